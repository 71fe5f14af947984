import type { Kysely } from 'kysely';
import type { Tables } from '../platform/db/tables.js';
import { newId, toDbTimestamp } from '../platform/db/sql.js';

/** The `users` table's SQL (the service hashes and verifies; this only reads and writes rows). */

export async function findUser(db: Kysely<Tables>, username: string) {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export interface UserValues {
  readonly passwordHash: string;
  readonly roles: string;
  readonly demo: boolean;
}

/** Create the user or replace its password hash, roles and demo flag. */
export async function upsertUser(db: Kysely<Tables>, username: string, user: UserValues): Promise<void> {
  const now = toDbTimestamp();
  const values = { password_hash: user.passwordHash, roles: user.roles, demo_password: user.demo ? 1 : 0, updated_at: now };
  await db
    .insertInto('users')
    .values({ id: newId(), username, enabled: 1, created_at: now, ...values })
    .onConflict((oc) => oc.column('username').doUpdateSet(values))
    .execute();
}

/** Create the user unless the username exists; true when this call created it. */
export async function insertUserIfMissing(db: Kysely<Tables>, username: string, user: UserValues): Promise<boolean> {
  const now = toDbTimestamp();
  const result = await db
    .insertInto('users')
    .values({
      id: newId(),
      username,
      enabled: 1,
      created_at: now,
      password_hash: user.passwordHash,
      roles: user.roles,
      demo_password: user.demo ? 1 : 0,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('username').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Every enabled user's name, password hash and demo flag, by username. */
export async function listEnabledCredentials(db: Kysely<Tables>) {
  return db.selectFrom('users').select(['username', 'password_hash', 'demo_password']).where('enabled', '=', 1).orderBy('username').execute();
}

/** Replace a user's password hash and clear its demo flag. */
export async function setPasswordHash(db: Kysely<Tables>, username: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash, demo_password: 0, updated_at: toDbTimestamp() }).where('username', '=', username).execute();
}
