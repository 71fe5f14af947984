/** Public API of the users module: what other modules may import (anything else in this folder is internal; `npm run lint` enforces it). */
export { createUsersService, DEMO_USERS, hashPassword, verifyPassword, type UsersService } from './users.service.js';
export { passwordProblem, WeakPasswordError, type PasswordProblem } from './password-policy.js';
