import { sql, type Expression, type Kysely, type Selectable, type SqlBool } from 'kysely';
import { insertRowWhen } from '../platform/db/insert-when.js';
import { dialectOf, fromJson, toDbTimestamp, toJson } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import type { CampaignStatus, RuleSpec } from './campaigns.schema.js';
import type { CampaignTable } from './campaigns.tables.js';

/** A campaign as the services use it (timestamps as database text, rules parsed). */
export interface CampaignRecord {
  readonly tenantId: string;
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly status: CampaignStatus;
  readonly startsAt: string | null;
  readonly endsAt: string | null;
  readonly eventTypes: readonly string[];
  readonly rewardType: 'CASH' | 'BONUS' | 'FREE_SPINS' | 'POINTS';
  readonly currency: string;
  readonly visibilityRule: RuleSpec | null;
  readonly participationRule: RuleSpec | null;
  readonly eligibilityRule: RuleSpec | null;
  readonly rewardFormula: RuleSpec;
  readonly maxRewardsPerPlayer: number | null;
  readonly maxAmountPerPlayer: string | null;
  readonly cooldownSeconds: number | null;
  readonly priority: number;
  readonly exclusivityGroup: string | null;
  readonly templateId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type CampaignWrite = Omit<CampaignRecord, 'tenantId' | 'id' | 'status' | 'createdAt' | 'updatedAt'>;

const rule = (value: unknown): RuleSpec | null => (value === null || value === undefined ? null : fromJson<RuleSpec>(value));

function toRecord(row: Selectable<CampaignTable>): CampaignRecord {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status as CampaignStatus,
    startsAt: row.starts_at === null ? null : String(row.starts_at),
    endsAt: row.ends_at === null ? null : String(row.ends_at),
    eventTypes: fromJson<string[]>(row.event_types),
    rewardType: row.reward_type as CampaignRecord['rewardType'],
    currency: row.currency,
    visibilityRule: rule(row.visibility_rule),
    participationRule: rule(row.participation_rule),
    eligibilityRule: rule(row.eligibility_rule),
    rewardFormula: fromJson<RuleSpec>(row.reward_formula),
    maxRewardsPerPlayer: row.max_rewards_per_player,
    maxAmountPerPlayer: row.max_amount_per_player,
    cooldownSeconds: row.cooldown_seconds,
    priority: row.priority,
    exclusivityGroup: row.exclusivity_group,
    templateId: row.template_id,
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

const jsonOrNull = (value: unknown) => (value === null || value === undefined ? null : toJson(value));

function columns(w: CampaignWrite) {
  return {
    name: w.name,
    description: w.description,
    starts_at: w.startsAt,
    ends_at: w.endsAt,
    event_types: toJson(w.eventTypes),
    reward_type: w.rewardType,
    currency: w.currency,
    visibility_rule: jsonOrNull(w.visibilityRule),
    participation_rule: jsonOrNull(w.participationRule),
    eligibility_rule: jsonOrNull(w.eligibilityRule),
    reward_formula: toJson(w.rewardFormula),
    max_rewards_per_player: w.maxRewardsPerPlayer,
    max_amount_per_player: w.maxAmountPerPlayer,
    cooldown_seconds: w.cooldownSeconds,
    priority: w.priority,
    exclusivity_group: w.exclusivityGroup,
    template_id: w.templateId,
  };
}

export async function insertCampaign(db: Kysely<Tables>, tenantId: string, id: string, w: CampaignWrite): Promise<void> {
  const now = toDbTimestamp();
  await db
    .insertInto('campaigns')
    .values({ tenant_id: tenantId, id, status: 'DRAFT', ...columns(w), created_at: now, updated_at: now })
    .execute();
}

/** Updates only while the campaign is in one of `editable` (checked in the same statement). */
export async function updateCampaign(
  db: Kysely<Tables>,
  tenantId: string,
  id: string,
  w: CampaignWrite,
  editable: readonly CampaignStatus[],
): Promise<boolean> {
  const result = await db
    .updateTable('campaigns')
    .set({ ...columns(w), updated_at: toDbTimestamp() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', 'in', [...editable])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findCampaign(db: Kysely<Tables>, tenantId: string, id: string): Promise<CampaignRecord | undefined> {
  const row = await db.selectFrom('campaigns').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export interface CampaignFilter {
  readonly status?: string;
  readonly exclusivityGroup?: string;
  /** Name contains, case-insensitive. */
  readonly q?: string;
  readonly templateId?: string;
  readonly eventType?: string;
  readonly rewardType?: string;
  readonly currency?: string;
  readonly page: number;
  readonly size: number;
}

/** A LIKE pattern (escape character backslash) matching text that contains `value` literally. */
const containsPattern = (value: string): string => `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function listCampaigns(db: Kysely<Tables>, tenantId: string, f: CampaignFilter) {
  let q = db.selectFrom('campaigns').where('tenant_id', '=', tenantId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.exclusivityGroup) q = q.where('exclusivity_group', '=', f.exclusivityGroup);
  if (f.q) q = q.where(sql<SqlBool>`lower(name) like ${containsPattern(f.q.toLowerCase())} escape '\\'`);
  if (f.templateId) q = q.where('template_id', '=', f.templateId);
  if (f.rewardType) q = q.where('reward_type', '=', f.rewardType);
  if (f.currency) q = q.where('currency', '=', f.currency);
  // event_types is a JSON array of event-type names (their pattern has no quote): match the quoted name.
  if (f.eventType)
    q = q.where(
      sql<SqlBool>`${sql.ref('event_types')}${dialectOf(db) === 'postgres' ? sql`::text` : sql``} like ${containsPattern(JSON.stringify(f.eventType))} escape '\\'`,
    );
  const [rows, count] = await Promise.all([
    q
      .selectAll()
      .orderBy('priority', 'desc')
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(f.size)
      .offset(f.page * f.size)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(toRecord), total: Number(count.n) };
}

/** Campaigns whose status and window make them live at `at` (SCHEDULED ones inside their window too). */
export async function listLiveCampaigns(db: Kysely<Tables>, tenantId: string, at: Date): Promise<CampaignRecord[]> {
  const now = toDbTimestamp(at);
  const rows = await db
    .selectFrom('campaigns')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', ['ACTIVE', 'SCHEDULED'])
    .where((eb) => eb.or([eb('starts_at', 'is', null), eb('starts_at', '<=', now)]))
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
    .orderBy('priority', 'desc')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toRecord).filter((c) => c.status === 'ACTIVE' || c.startsAt !== null);
}

/** Campaigns that are or may become live (ACTIVE or SCHEDULED, not past their end at `at`), highest priority first; the caller applies the window. */
export async function listLiveCandidates(db: Kysely<Tables>, tenantId: string, at: Date): Promise<CampaignRecord[]> {
  const now = toDbTimestamp(at);
  const rows = await db
    .selectFrom('campaigns')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', ['ACTIVE', 'SCHEDULED'])
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
    .orderBy('priority', 'desc')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

/** Compare-and-set on status, so two concurrent transitions cannot both succeed. */
export async function setCampaignStatus(db: Kysely<Tables>, tenantId: string, id: string, from: CampaignStatus, to: CampaignStatus): Promise<boolean> {
  const result = await db
    .updateTable('campaigns')
    .set({ status: to, updated_at: toDbTimestamp() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteDraftCampaign(db: Kysely<Tables>, tenantId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('campaigns').where('tenant_id', '=', tenantId).where('id', '=', id).where('status', '=', 'DRAFT').executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Inserts the participation unless it exists; true when this call created it. */
const participantRow = (tenantId: string, campaignId: string, playerId: string, source: 'JOIN' | 'AUTO', at: Date) => ({
  tenant_id: tenantId,
  campaign_id: campaignId,
  player_id: playerId,
  source,
  joined_at: toDbTimestamp(at),
});

export async function addParticipant(
  db: Kysely<Tables>,
  tenantId: string,
  campaignId: string,
  playerId: string,
  source: 'JOIN' | 'AUTO',
  at: Date,
): Promise<boolean> {
  const result = await db
    .insertInto('campaign_participants')
    .values(participantRow(tenantId, campaignId, playerId, source, at))
    .onConflict((oc) => oc.columns(['tenant_id', 'campaign_id', 'player_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** `addParticipant` in another module's one-statement write (PostgreSQL), when `when` holds. */
export function addParticipantWhen(
  db: Kysely<Tables>,
  tenantId: string,
  campaignId: string,
  playerId: string,
  source: 'JOIN' | 'AUTO',
  at: Date,
  when: Expression<SqlBool>,
) {
  return insertRowWhen(db, 'campaign_participants', participantRow(tenantId, campaignId, playerId, source, at), when).onConflict((oc) =>
    oc.columns(['tenant_id', 'campaign_id', 'player_id']).doNothing(),
  );
}

export async function findParticipant(db: Kysely<Tables>, tenantId: string, campaignId: string, playerId: string) {
  return db
    .selectFrom('campaign_participants')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('campaign_id', '=', campaignId)
    .where('player_id', '=', playerId)
    .executeTakeFirst();
}

export async function joinedCampaignIds(db: Kysely<Tables>, tenantId: string, playerId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('campaign_participants').select('campaign_id').where('tenant_id', '=', tenantId).where('player_id', '=', playerId).execute();
  return new Set(rows.map((r) => r.campaign_id));
}

/** Joined campaign ids of several players in one read. */
export async function joinedCampaignIdsOfPlayers(db: Kysely<Tables>, tenantId: string, playerIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const result = new Map<string, Set<string>>();
  if (playerIds.length === 0) return result;
  const rows = await db
    .selectFrom('campaign_participants')
    .select(['player_id', 'campaign_id'])
    .where('tenant_id', '=', tenantId)
    .where('player_id', 'in', [...playerIds])
    .execute();
  for (const r of rows) {
    let set = result.get(r.player_id);
    if (!set) result.set(r.player_id, (set = new Set()));
    set.add(r.campaign_id);
  }
  return result;
}
