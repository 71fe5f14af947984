import type { Kysely } from 'kysely';
import { compileSpel } from '../engine/index.js';
import { EngineError, type Diagnostic } from '../engine/types.js';
import type { ChangeRecorder, RequestContext } from '../platform/changes.js';
import { newId } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import { invalidContent } from '../platform/diagnostics.js';
import { AppError } from '../platform/errors.js';
import { pageOf, type Page, type SortOrder } from '../platform/paging.js';
import { HARDCODED_RULES } from './hardcoded.js';
import * as repo from './rules.repository.js';
import type { RuleInput, RuleView } from './rules.schema.js';

export { RULE_SORT_PROPERTIES } from './rules.repository.js';

/** Checks a rule's content for its type; returns diagnostics (empty when valid). */
export type RuleValidator = (content: string) => readonly Diagnostic[];

export const validateSpelRule: RuleValidator = (content) => {
  try {
    compileSpel(content);
    return [];
  } catch (error) {
    if (error instanceof EngineError) return error.diagnostics.map((d) => ({ ...d, field: 'ruleContent' }));
    throw error;
  }
};

export const validateHardcodedRule: RuleValidator = (content) =>
  Object.hasOwn(HARDCODED_RULES, content.trim())
    ? []
    : [{ code: 'UNKNOWN_RULE', field: 'ruleContent', message: `unknown built-in rule '${content.trim()}'; known: ${Object.keys(HARDCODED_RULES).join(', ')}` }];

export interface RulesService {
  list(filter: { ruleType?: string; status?: string; page: number; size: number; sort?: readonly SortOrder[] }): Promise<Page<RuleView>>;
  get(id: string): Promise<RuleView>;
  create(input: RuleInput, ctx: RequestContext): Promise<RuleView>;
  update(id: string, input: RuleInput, ctx: RequestContext): Promise<RuleView>;
  setStatus(id: string, status: string, ctx: RequestContext): Promise<RuleView>;
  remove(id: string, ctx: RequestContext): Promise<void>;
  activeOfType(ruleType: string): Promise<RuleView[]>;
  onChange(listener: (ruleId: string) => void): void;
}

export interface RulesDeps {
  readonly db: Kysely<Tables>;
  readonly changes: ChangeRecorder;
  /** Content validators by rule type; DROOLS is contributed by the Drools module. */
  readonly validators: Readonly<Record<string, RuleValidator>>;
}

const notFound = (id: string) => new AppError('RESOURCE_NOT_FOUND', { zh: `優惠規則不存在: ${id}`, en: `Promotion rule not found: ${id}` });

export function createRulesService(deps: RulesDeps): RulesService {
  const { db } = deps;
  const listeners: ((id: string) => void)[] = [];
  const changed = (id: string) => listeners.forEach((l) => l(id));

  function check(input: RuleInput): void {
    const validator = deps.validators[input.ruleType];
    if (!validator) {
      throw new AppError('VALIDATION_FAILED', { zh: `不支援的規則類型: ${input.ruleType}`, en: `Unsupported rule type: ${input.ruleType}` });
    }
    const diagnostics = validator(input.ruleContent);
    if (diagnostics.length > 0) throw invalidContent({ zh: '規則內容', en: 'Rule content' }, diagnostics, '');
  }

  async function ensureUniqueName(name: string, exceptId?: string): Promise<void> {
    const existing = await repo.findRuleByName(db, name);
    if (existing && existing.id !== exceptId) {
      throw new AppError('DUPLICATE_RESOURCE', { zh: `規則名稱已存在: ${name}`, en: `A rule named '${name}' already exists` });
    }
  }

  async function load(id: string): Promise<RuleView> {
    const rule = await repo.findRule(db, id);
    if (!rule) throw notFound(id);
    return rule;
  }

  const toWrite = (input: RuleInput): repo.RuleWrite => ({
    name: input.name,
    ruleType: input.ruleType,
    ruleContent: input.ruleContent,
    parameters: input.parameters ?? null,
    description: input.description ?? null,
    status: input.status ?? 'ACTIVE',
  });

  return {
    async list(filter) {
      const { rows, total } = await repo.listRules(db, filter);
      return pageOf(rows, filter.page, filter.size, total, filter.sort);
    },
    get: load,
    async create(input, ctx) {
      check(input);
      await ensureUniqueName(input.name);
      const id = newId();
      await repo.insertRule(db, id, toWrite(input), ctx.actor?.username ?? null);
      const after = await load(id);
      await deps.changes.record({ entity: 'PROMOTION_RULE', entityId: id, action: 'CREATE', actor: ctx.actor, requestId: ctx.requestId, before: null, after });
      changed(id);
      return after;
    },
    async update(id, input, ctx) {
      const before = await load(id);
      check(input);
      await ensureUniqueName(input.name, id);
      await repo.updateRule(db, id, { ...toWrite(input), status: input.status ?? before.status }, ctx.actor?.username ?? null);
      const after = await load(id);
      await deps.changes.record({ entity: 'PROMOTION_RULE', entityId: id, action: 'UPDATE', actor: ctx.actor, requestId: ctx.requestId, before, after });
      changed(id);
      return after;
    },
    async setStatus(id, status, ctx) {
      const before = await load(id);
      await repo.updateRule(db, id, { status }, ctx.actor?.username ?? null);
      const after = await load(id);
      await deps.changes.record({ entity: 'PROMOTION_RULE', entityId: id, action: 'STATUS_CHANGE', actor: ctx.actor, requestId: ctx.requestId, before, after });
      changed(id);
      return after;
    },
    async remove(id, ctx) {
      const before = await load(id);
      await repo.softDeleteRule(db, id, ctx.actor?.username ?? null);
      await deps.changes.record({ entity: 'PROMOTION_RULE', entityId: id, action: 'DELETE', actor: ctx.actor, requestId: ctx.requestId, before, after: null });
      changed(id);
    },
    activeOfType: (ruleType) => repo.listActiveRulesOfType(db, ruleType),
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
