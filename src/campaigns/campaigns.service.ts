import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import { EngineError } from '../engine/types.js';
import { enqueueEvent } from '../platform/outbox/outbox.js';
import { apiDateToDb, newId, toDbTimestamp } from '../platform/db/sql.js';
import { dbToIso } from '../platform/time.js';
import type { Tables } from '../platform/db/tables.js';
import { AppError } from '../platform/errors.js';
import type { Locale } from '../platform/http/i18n.js';
import { applyCampaignPatch } from './editing.js';
import { ruleVariableErrors } from './rule-variables.js';
import { simulateCampaign } from './simulate.js';
import type { SimulationInput, SimulationResult } from './simulate.schema.js';
import { pageOf, type Page } from '../platform/paging.js';
import type { PlayersService } from '../players/index.js';
import { compileCampaignRules, holds, normalizeRule, validateCampaignRules, type CompiledCampaignRules, type RuleName } from './campaign-rules.js';
import * as repo from './campaigns.repository.js';
import type { CampaignInput, CampaignStatus, CampaignView } from './campaigns.schema.js';
import { dbTimeMs, EDITABLE, effectiveStatus, TRANSITIONS } from './lifecycle.js';
import { deadlineBudgets, type BudgetFactory } from '../platform/deadline.js';

/** How long another process's campaign change may take to reach this process's event pipeline. */
export const LIVE_TTL_MS = 1000;
import { BUDGET_EXCEEDED, toDecimal } from '../engine/index.js';

export type { CampaignRecord } from './campaigns.repository.js';

/** A live campaign with its compiled rules, ready for the event pipeline. */
export interface LiveCampaign {
  readonly campaign: repo.CampaignRecord;
  readonly rules: CompiledCampaignRules;
}

export interface PlayerCampaign {
  readonly campaign: CampaignView;
  readonly joined: boolean;
  readonly requiresJoin: boolean;
  readonly canJoin: boolean;
}

export interface CampaignsService {
  list(tenantId: string, filter: repo.CampaignFilter): Promise<Page<CampaignView>>;
  get(tenantId: string, id: string): Promise<CampaignView>;
  create(tenantId: string, input: CampaignInput, templateId?: string | null): Promise<CampaignView>;
  update(tenantId: string, id: string, input: CampaignInput): Promise<CampaignView>;
  /** Applies a JSON Merge Patch (RFC 7396) to the definition, then updates as `update` does. */
  patch(tenantId: string, id: string, patch: Record<string, unknown>, locale: Locale): Promise<CampaignView>;
  remove(tenantId: string, id: string): Promise<void>;
  /** Runs events against a saved campaign (any status) without writing anything. */
  simulate(tenantId: string, id: string, input: SimulationInput): Promise<SimulationResult>;
  /** The same for an unsaved campaign body (validated as on create: 400 naming the rule or variable). */
  simulateDraft(input: CampaignInput, simulation: SimulationInput): SimulationResult;
  transition(tenantId: string, id: string, to: CampaignStatus): Promise<CampaignView>;
  /** Campaigns live at `at`, highest priority first, rules compiled (cached per version). */
  live(tenantId: string, at: Date): Promise<LiveCampaign[]>;
  visibleTo(tenantId: string, playerId: string): Promise<PlayerCampaign[]>;
  /** Ids of the campaigns the player has joined (explicitly or automatically). */
  joinedIds(tenantId: string, playerId: string): Promise<Set<string>>;
  /** The same for several players in one read (a player who joined nothing is absent). */
  joinedIdsOf(tenantId: string, playerIds: readonly string[]): Promise<Map<string, Set<string>>>;
  join(
    tenantId: string,
    campaignId: string,
    playerId: string,
  ): Promise<{ campaignId: string; playerId: string; joined: true; alreadyJoined: boolean; joinedAt: string }>;
}

export interface CampaignsDeps {
  readonly db: Kysely<Tables>;
  readonly players: PlayersService;
  readonly now?: () => Date;
  /** A fresh budget (deadline) per rule check; default: EVALUATION_DEADLINE_MS' default. */
  readonly budgets?: BudgetFactory;
}

const notFound = (id: string) => new AppError('RESOURCE_NOT_FOUND', { zh: `活動不存在: ${id}`, en: `Campaign not found: ${id}` });
const violation = (en: string, zh: string = en) => new AppError('BUSINESS_RULE_VIOLATION', { zh, en });

export function toView(c: repo.CampaignRecord, now: Date): CampaignView {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    status: c.status,
    effectiveStatus: effectiveStatus(c, now),
    eventTypes: [...c.eventTypes],
    rewardType: c.rewardType,
    currency: c.currency,
    visibilityRule: c.visibilityRule,
    participationRule: c.participationRule,
    eligibilityRule: c.eligibilityRule,
    rewardFormula: c.rewardFormula,
    limits: { maxRewardsPerPlayer: c.maxRewardsPerPlayer, maxAmountPerPlayer: c.maxAmountPerPlayer, cooldownSeconds: c.cooldownSeconds },
    priority: c.priority,
    exclusivityGroup: c.exclusivityGroup,
    startsAt: dbToIso(c.startsAt),
    endsAt: dbToIso(c.endsAt),
    templateId: c.templateId,
    createdAt: dbToIso(c.createdAt) ?? '',
    updatedAt: dbToIso(c.updatedAt) ?? '',
  };
}

/** Input → stored form, after checking the window and compiling every rule (400 naming the rule and position). */
function toWrite(input: CampaignInput, templateId: string | null): repo.CampaignWrite {
  // Rules must compile, and read only what the evaluation root has (event.amout is refused here, not at run time).
  const compileErrors = validateCampaignRules(input);
  const errors = compileErrors.length > 0 ? compileErrors : ruleVariableErrors(input, input.eventTypes);
  if (errors.length > 0) {
    const first = errors[0];
    const what =
      compileErrors.length > 0 ? { zh: '規則無法編譯', en: 'Rule does not compile' } : { zh: '規則讀取了不存在的變數', en: 'Rule reads an unknown variable' };
    throw new AppError('VALIDATION_FAILED', { zh: `${what.zh}: ${first?.message ?? ''}`, en: `${what.en}: ${first?.message ?? ''}` }, { errors });
  }
  const startsAt = input.startsAt ? apiDateToDb(input.startsAt) : null;
  const endsAt = input.endsAt ? apiDateToDb(input.endsAt) : null;
  if (startsAt && endsAt && startsAt >= endsAt) {
    throw new AppError(
      'VALIDATION_FAILED',
      { zh: '結束時間必須晚於開始時間', en: 'endsAt must be after startsAt' },
      { errors: [{ field: 'endsAt', message: 'endsAt must be after startsAt' }] },
    );
  }
  const maxAmount = input.limits?.maxAmountPerPlayer;
  return {
    name: input.name,
    description: input.description ?? null,
    startsAt,
    endsAt,
    eventTypes: input.eventTypes,
    rewardType: input.rewardType,
    currency: input.currency,
    visibilityRule: normalizeRule(input.visibilityRule),
    participationRule: normalizeRule(input.participationRule),
    eligibilityRule: normalizeRule(input.eligibilityRule),
    rewardFormula: normalizeRule(input.rewardFormula) ?? input.rewardFormula,
    maxRewardsPerPlayer: input.limits?.maxRewardsPerPlayer ?? null,
    maxAmountPerPlayer: maxAmount === null || maxAmount === undefined ? null : toDecimal(maxAmount).toFixed(),
    cooldownSeconds: input.limits?.cooldownSeconds || null,
    priority: input.priority ?? 0,
    exclusivityGroup: input.exclusivityGroup ?? null,
    templateId,
  };
}

/** Evaluates a condition for the API: a rule that fails at run time is a 422 naming the rule. */
function check(name: RuleName, run: () => boolean): boolean {
  try {
    return run();
  } catch (error) {
    if (error instanceof EngineError && error.code === BUDGET_EXCEEDED) {
      throw new AppError('EVALUATION_BUDGET_EXCEEDED', { zh: `${name} 超出運算時間預算`, en: `${name} ran past its evaluation deadline` });
    }
    if (error instanceof EngineError) throw violation(`${name} could not be evaluated: ${error.message}`, `${name} 無法計算: ${error.message}`);
    throw error;
  }
}

export function createCampaignsService(deps: CampaignsDeps): CampaignsService {
  const { db, players } = deps;
  const budgets = deps.budgets ?? deadlineBudgets();
  const clock = deps.now ?? (() => new Date());
  const compiled = new LRUCache<string, CompiledCampaignRules>({ max: 5_000 });
  // The tenant's ACTIVE/SCHEDULED campaigns, for `live` (read by every event batch). Dropped on any
  // change made through this service; a change made by another process is seen within LIVE_TTL_MS.
  const liveCandidates = new LRUCache<string, { readonly until: number; readonly from: number; readonly rows: readonly repo.CampaignRecord[] }>({
    max: 10_000,
  });
  const changed = (tenantId: string) => liveCandidates.delete(tenantId);

  function rulesOf(c: repo.CampaignRecord): CompiledCampaignRules {
    const key = `${c.tenantId}/${c.id}/${c.updatedAt}`;
    let rules = compiled.get(key);
    if (!rules) {
      rules = compileCampaignRules(c);
      compiled.set(key, rules);
    }
    return rules;
  }

  async function load(tenantId: string, id: string): Promise<repo.CampaignRecord> {
    const c = await repo.findCampaign(db, tenantId, id);
    if (!c) throw notFound(id);
    return c;
  }

  const root = (player: { id: string; attributes: Record<string, unknown> }, c: repo.CampaignRecord) => ({
    player: { ...player.attributes, id: player.id },
    campaign: { id: c.id, currency: c.currency, rewardType: c.rewardType },
  });

  return {
    async list(tenantId, filter) {
      const { rows, total } = await repo.listCampaigns(db, tenantId, filter);
      const now = clock();
      return pageOf(
        rows.map((c) => toView(c, now)),
        filter.page,
        filter.size,
        total,
      );
    },
    async get(tenantId, id) {
      return toView(await load(tenantId, id), clock());
    },
    async create(tenantId, input, templateId = null) {
      const id = newId();
      await repo.insertCampaign(db, tenantId, id, toWrite(input, templateId));
      changed(tenantId);
      return toView(await load(tenantId, id), clock());
    },
    async update(tenantId, id, input) {
      const current = await load(tenantId, id);
      const updated = await repo.updateCampaign(db, tenantId, id, toWrite(input, current.templateId), EDITABLE);
      changed(tenantId);
      if (!updated) {
        const now = await load(tenantId, id);
        throw violation(`a ${now.status} campaign cannot be edited; pause it first`, `${now.status} 狀態的活動不可修改，請先暫停`);
      }
      return toView(await load(tenantId, id), clock());
    },
    async patch(tenantId, id, patch, locale) {
      const current = toView(await load(tenantId, id), clock());
      return this.update(tenantId, id, applyCampaignPatch(current, patch, locale));
    },
    async simulate(tenantId, id, input) {
      const c = await load(tenantId, id);
      return simulateCampaign(c, rulesOf(c), input, clock());
    },
    simulateDraft(input, simulation) {
      const draft = toWrite(input, null);
      return simulateCampaign({ ...draft, id: '' }, compileCampaignRules(draft), simulation, clock());
    },
    async remove(tenantId, id) {
      const current = await load(tenantId, id);
      const deleted = await repo.deleteDraftCampaign(db, tenantId, id);
      changed(tenantId);
      if (!deleted) throw violation(`only DRAFT campaigns can be deleted (is ${current.status}); end it instead`);
    },
    async transition(tenantId, id, to) {
      const c = await load(tenantId, id);
      if (!TRANSITIONS[c.status].includes(to)) {
        throw violation(
          `invalid transition ${c.status} → ${to}; allowed: ${TRANSITIONS[c.status].join(', ') || 'none'}`,
          `不允許的狀態轉換 ${c.status} → ${to}`,
        );
      }
      const now = clock();
      if (to === 'SCHEDULED' || to === 'ACTIVE') {
        if (to === 'SCHEDULED' && c.startsAt === null) throw violation('SCHEDULED needs startsAt', '排程需要開始時間');
        if (c.endsAt !== null && effectiveStatus({ status: 'ACTIVE', startsAt: null, endsAt: c.endsAt }, now) === 'ENDED') {
          throw violation('the schedule window has already ended', '活動時間已結束');
        }
        const errors = validateCampaignRules(c);
        if (errors.length > 0)
          throw new AppError(
            'BUSINESS_RULE_VIOLATION',
            { zh: `規則無法編譯: ${errors[0]?.message ?? ''}`, en: `Rules do not compile: ${errors[0]?.message ?? ''}` },
            { errors },
          );
      }
      const set = await repo.setCampaignStatus(db, tenantId, id, c.status, to);
      changed(tenantId);
      if (!set) throw violation('the campaign changed concurrently; retry', '活動已被同時修改，請重試');
      return toView(await load(tenantId, id), now);
    },
    async live(tenantId, at) {
      const wall = Date.now();
      const t = at.getTime();
      let cached = liveCandidates.get(tenantId);
      // The read leaves out campaigns ended before `from`, so it serves only `at` >= `from`.
      if (!cached || cached.until <= wall || t < cached.from) {
        const from = Math.min(t, wall);
        cached = { until: wall + LIVE_TTL_MS, from, rows: await repo.listLiveCandidates(db, tenantId, new Date(from)) };
        liveCandidates.set(tenantId, cached);
      }
      return cached.rows
        .filter((c) => (c.startsAt === null ? c.status === 'ACTIVE' : dbTimeMs(c.startsAt) <= t) && (c.endsAt === null || dbTimeMs(c.endsAt) > t))
        .map((campaign) => ({ campaign, rules: rulesOf(campaign) }));
    },
    async visibleTo(tenantId, playerId) {
      const now = clock();
      const [player, live, joined] = await Promise.all([
        players.get(tenantId, playerId),
        repo.listLiveCampaigns(db, tenantId, now),
        repo.joinedCampaignIds(db, tenantId, playerId),
      ]);
      const result: PlayerCampaign[] = [];
      for (const c of live) {
        const rules = rulesOf(c);
        const r = root(player, c);
        const budget = budgets();
        try {
          if (!holds(rules.visibility, r, now, budget)) continue;
          const canJoin = holds(rules.participation, r, now, budget);
          result.push({ campaign: toView(c, now), joined: joined.has(c.id), requiresJoin: rules.participation !== null, canJoin });
        } catch (error) {
          // A rule that cannot run for this player's attributes hides the campaign from them.
          if (!(error instanceof EngineError)) throw error;
        }
      }
      return result;
    },
    joinedIds: (tenantId, playerId) => repo.joinedCampaignIds(db, tenantId, playerId),
    joinedIdsOf: (tenantId, playerIds) => repo.joinedCampaignIdsOfPlayers(db, tenantId, playerIds),
    async join(tenantId, campaignId, playerId) {
      const c = await load(tenantId, campaignId);
      const existing = await repo.findParticipant(db, tenantId, campaignId, playerId);
      if (existing) return { campaignId, playerId, joined: true, alreadyJoined: true, joinedAt: dbToIso(existing.joined_at) ?? '' };
      const now = clock();
      const status = effectiveStatus(c, now);
      if (status !== 'ACTIVE' && status !== 'SCHEDULED')
        throw violation(`campaign is ${status}; only ACTIVE or SCHEDULED campaigns can be joined`, `活動狀態為 ${status}，無法參加`);
      const player = await players.get(tenantId, playerId);
      const rules = rulesOf(c);
      const r = root(player, c);
      const budget = budgets();
      if (!check('visibilityRule', () => holds(rules.visibility, r, now, budget))) throw notFound(campaignId);
      if (!check('participationRule', () => holds(rules.participation, r, now, budget))) {
        throw violation('the player does not satisfy the participationRule', '玩家不符合參加條件 (participationRule)');
      }
      const created = await db.transaction().execute(async (trx) => {
        await players.ensure(trx, tenantId, playerId);
        const inserted = await repo.addParticipant(trx, tenantId, campaignId, playerId, 'JOIN', now);
        if (inserted) {
          await enqueueEvent(trx, {
            topic: 'promotion.event.join',
            tenantId,
            key: playerId,
            payload: { tenantId, campaignId, playerId, joinedAt: now.toISOString() },
          });
        }
        return inserted;
      });
      const row = await repo.findParticipant(db, tenantId, campaignId, playerId);
      return { campaignId, playerId, joined: true, alreadyJoined: !created, joinedAt: dbToIso(row?.joined_at ?? toDbTimestamp(now)) ?? '' };
    },
  };
}
