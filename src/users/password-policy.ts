/**
 * The password policy for staff users (Basic auth). A password is refused when it is one of the
 * passwords this repository publishes (README, docs, the demo seed: anyone can read them), shorter
 * than MIN_PASSWORD_LENGTH, one of a small list of the most common passwords, or the username.
 *
 * Enforced when a password is set in production (BANYAN_ADMIN_PASSWORD at start) and whenever a
 * password is set or changed through the API, in every environment. Only the demo seed itself
 * (development/test) creates users with the published passwords.
 */
import { COMMON_PASSWORDS } from './common-passwords.js';

export const MIN_PASSWORD_LENGTH = 12;

/**
 * Every password published in this repository (the demo users of seed 002's 認證說明 table, as
 * in README.md and the demo seed). A test greps README.md, docs/ and src/demo/ to keep this complete.
 */
export const PUBLISHED_PASSWORDS: readonly string[] = ['admin123', 'manager123', 'auditor123'];

export type PasswordRule = 'PASSWORD_PUBLISHED' | 'PASSWORD_TOO_SHORT' | 'PASSWORD_COMMON' | 'PASSWORD_IS_USERNAME';

export interface PasswordProblem {
  readonly rule: PasswordRule;
  readonly message: string;
}

const common = new Set(COMMON_PASSWORDS.map((p) => p.toLowerCase()));

/** The first rule the password breaks, or null when it is acceptable. */
export function passwordProblem(username: string, password: string): PasswordProblem | null {
  if (PUBLISHED_PASSWORDS.includes(password)) {
    return { rule: 'PASSWORD_PUBLISHED', message: 'password is one of the published demo passwords' };
  }
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    return { rule: 'PASSWORD_TOO_SHORT', message: `password must be at least ${MIN_PASSWORD_LENGTH} characters` };
  }
  const lower = password.toLowerCase();
  if (common.has(lower)) return { rule: 'PASSWORD_COMMON', message: 'password is in the list of common passwords' };
  if (lower === username.toLowerCase()) return { rule: 'PASSWORD_IS_USERNAME', message: 'password must not be the username' };
  return null;
}

export class WeakPasswordError extends Error {
  override name = 'WeakPasswordError';
  constructor(
    readonly username: string,
    readonly problem: PasswordProblem,
  ) {
    super(`${problem.rule}: ${problem.message}`);
  }
}
