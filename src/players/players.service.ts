import type { Kysely } from 'kysely';
import type { Tables } from '../platform/db/tables.js';
import { internalError } from '../platform/errors.js';
import * as repo from './players.repository.js';

export type { PlayerRecord } from './players.repository.js';

export interface PlayersService {
  /** The player, or an attribute-less one if the tenant has not told us about it yet. */
  get(tenantId: string, id: string): Promise<repo.PlayerRecord>;
  /** Attributes of several players in one read (an unknown player has none). */
  attributesOf(tenantId: string, ids: readonly string[]): Promise<Map<string, Record<string, unknown>>>;
  exists(tenantId: string, id: string): Promise<boolean>;
  put(tenantId: string, id: string, attributes: Record<string, unknown>): Promise<repo.PlayerRecord>;
  /** Makes sure the player row exists (in the caller's transaction); merges `attributes` when given. */
  ensure(trx: Kysely<Tables>, tenantId: string, id: string, attributes?: Record<string, unknown>): Promise<void>;
}

export function createPlayersService(db: Kysely<Tables>): PlayersService {
  return {
    async get(tenantId, id) {
      return (await repo.findPlayer(db, tenantId, id)) ?? { id, attributes: {}, createdAt: '', updatedAt: '' };
    },
    attributesOf: (tenantId, ids) => repo.findPlayerAttributes(db, tenantId, ids),
    async exists(tenantId, id) {
      return (await repo.findPlayer(db, tenantId, id)) !== undefined;
    },
    async put(tenantId, id, attributes) {
      await repo.upsertPlayer(db, tenantId, id, attributes, true);
      const player = await repo.findPlayer(db, tenantId, id);
      if (!player) throw internalError(`player ${id} vanished after upsert`);
      return player;
    },
    async ensure(trx, tenantId, id, attributes) {
      if (attributes && Object.keys(attributes).length > 0) {
        const current = await repo.findPlayer(trx, tenantId, id);
        await repo.upsertPlayer(trx, tenantId, id, { ...(current?.attributes ?? {}), ...attributes }, true);
      } else {
        await repo.upsertPlayer(trx, tenantId, id, {}, false);
      }
    },
  };
}
