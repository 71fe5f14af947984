import { hash, verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { Tables } from '../platform/db/tables.js';
import { ROLES, type Principal, type Role } from '../platform/http/auth.js';
import { passwordProblem, PUBLISHED_PASSWORDS, WeakPasswordError } from './password-policy.js';
import * as repo from './users.repository.js';

/** The document's 認證說明 table. These passwords are public, so they never exist in production. */
export const DEMO_USERS: readonly { username: string; password: string; roles: Role[] }[] = [
  { username: 'admin', password: 'admin123', roles: ['ADMIN', 'MANAGER', 'AUDITOR'] },
  { username: 'manager', password: 'manager123', roles: ['MANAGER'] },
  { username: 'auditor', password: 'auditor123', roles: ['AUDITOR'] },
];

// OWASP's argon2id baseline (19 MiB, 2 passes): slow for an attacker, ~20 ms for us.
const HASH_OPTIONS = {
  algorithm: 2 /* Algorithm.Argon2id (a const enum, not importable under isolatedModules) */,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const hashPassword = (password: string): Promise<string> => hash(password, HASH_OPTIONS);

export async function verifyPassword(hashText: string, password: string): Promise<boolean> {
  try {
    return await verify(hashText, password);
  } catch {
    return false;
  }
}

function parseRoles(text: string): Role[] {
  return text.split(',').filter((r): r is Role => (ROLES as readonly string[]).includes(r));
}

export interface UsersService {
  /** The user if the username exists, is enabled and the password matches. */
  authenticate(username: string, password: string): Promise<Principal | null>;
  /** Create the user or replace its password and roles. */
  upsert(username: string, password: string, roles: readonly Role[], demo?: boolean): Promise<void>;
  /** Create the user only if no user has this name (never overwrites a changed password). */
  createIfMissing(username: string, password: string, roles: readonly Role[], demo?: boolean): Promise<boolean>;
  /** Usernames still using a published demo password (by the seed's flag or because the hash verifies against one). */
  demoPasswordUsers(): Promise<string[]>;
  /**
   * A user changes their own password: the current one must verify and the new one must pass the
   * password policy (WeakPasswordError otherwise). False when the current password is wrong.
   */
  changePassword(username: string, currentPassword: string, newPassword: string): Promise<boolean>;
}

export function createUsersService(db: Kysely<Tables>): UsersService {
  // A fixed hash to verify against when the user does not exist, so timing does not reveal usernames.
  const dummy = hashPassword('banyan-no-such-user');
  return {
    async authenticate(username, password) {
      const row = await repo.findUser(db, username);
      if (!row || row.enabled !== 1) {
        await verifyPassword(await dummy, password);
        return null;
      }
      return (await verifyPassword(row.password_hash, password)) ? { username: row.username, roles: parseRoles(row.roles) } : null;
    },
    async upsert(username, password, roles, demo = false) {
      await repo.upsertUser(db, username, { passwordHash: await hashPassword(password), roles: roles.join(','), demo });
    },
    async createIfMissing(username, password, roles, demo = false) {
      return repo.insertUserIfMissing(db, username, { passwordHash: await hashPassword(password), roles: roles.join(','), demo });
    },
    async demoPasswordUsers() {
      // The flag alone missed a published password set another way (BANYAN_ADMIN_PASSWORD=admin123
      // clears it), so every enabled user's hash is tried against every published password.
      const rows = await repo.listEnabledCredentials(db);
      const published = await Promise.all(
        rows.map(async (r) => r.demo_password === 1 || (await Promise.all(PUBLISHED_PASSWORDS.map((p) => verifyPassword(r.password_hash, p)))).some(Boolean)),
      );
      return rows.filter((_, i) => published[i]).map((r) => r.username);
    },
    async changePassword(username, currentPassword, newPassword) {
      const row = await repo.findUser(db, username);
      if (!row || row.enabled !== 1 || !(await verifyPassword(row.password_hash, currentPassword))) return false;
      const problem = passwordProblem(username, newPassword);
      if (problem) throw new WeakPasswordError(username, problem);
      await repo.setPasswordHash(db, username, await hashPassword(newPassword));
      return true;
    },
  };
}
