/**
 * A small list of the most used passwords of at least 12 characters (shorter ones are refused by
 * length already), drawn from public breach-frequency lists (e.g. SecLists' top passwords).
 * Compared case-insensitively. Deliberately small: it catches the obvious choices without shipping
 * a dictionary; length is the main defence.
 */
export const COMMON_PASSWORDS: readonly string[] = [
  '123456789012', '1234567890123', '12345678901234', '123456789000', '000000000000', '111111111111',
  '123123123123', '121212121212', '987654321098', '1q2w3e4r5t6y', '1qaz2wsx3edc', 'qwertyuiopas',
  'qwertyuiop12', 'qwerty123456', 'qwertyuiop123', 'asdfghjkl123', 'zxcvbnm12345', 'q1w2e3r4t5y6',
  'password1234', 'password123!', 'password12345', 'passwordpassword', 'password1234!', 'p@ssw0rd1234',
  'passw0rd1234', 'adminadmin123', 'administrator', 'administrator1', 'admin1234567', 'admin123456789',
  'adminpassword', 'changeme1234', 'changeme123!', 'letmein12345', 'welcome12345', 'welcome123456',
  'iloveyou1234', 'sunshine1234', 'football1234', 'baseball1234', 'princess1234', 'superman1234',
  'monkey123456', 'dragon123456', 'master123456', 'trustno11234', 'abcdefghijkl', 'abcd12345678',
  'abc123456789', 'abcdef123456', 'secret123456', 'default12345', 'banyan123456', 'banyanbanyan',
  'manager12345', 'auditor12345', 'qazwsxedcrfv', '!qaz2wsx#edc', '1q2w3e4r5t6y7u', 'starwars1234',
  'computer1234', 'internet1234', 'whatever1234', 'michael12345', 'jennifer1234', 'summer123456',
  'winter123456', 'spring123456', 'autumn123456', 'welcome2024!', 'welcome2025!', 'welcome2026!',
  'password2024', 'password2025', 'password2026', 'Password2024!', 'Password2025!', 'Password2026!',
];
