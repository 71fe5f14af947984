import type { Kysely, Selectable } from 'kysely';
import type { Tables } from '../platform/db/tables.js';
import { fromDbTimestamp, fromJson, toDbTimestamp, toJson } from '../platform/db/sql.js';
import type { SortOrder } from '../platform/paging.js';
import type { RuleView } from './rules.schema.js';
import type { PromotionRuleTable } from './rules.tables.js';

function toView(row: Selectable<PromotionRuleTable>): RuleView {
  return {
    id: row.id,
    ruleId: row.id,
    name: row.name,
    ruleType: row.rule_type,
    ruleContent: row.rule_content,
    parameters: row.parameters === null ? null : fromJson<Record<string, unknown>>(row.parameters),
    description: row.description,
    status: row.status,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    createdAt: fromDbTimestamp(row.created_at) ?? '',
    updatedAt: fromDbTimestamp(row.updated_at) ?? '',
  };
}

/** API property → column, for `sort=`. */
const RULE_SORT = { ruleId: 'id', id: 'id', name: 'name', ruleType: 'rule_type', status: 'status', createdAt: 'created_at', updatedAt: 'updated_at' } as const;
export const RULE_SORT_PROPERTIES = Object.keys(RULE_SORT);

export async function listRules(db: Kysely<Tables>, filter: { ruleType?: string; status?: string; page: number; size: number; sort?: readonly SortOrder[] }) {
  let query = db.selectFrom('promotion_rules').where('deleted_at', 'is', null);
  if (filter.ruleType) query = query.where('rule_type', '=', filter.ruleType);
  if (filter.status) query = query.where('status', '=', filter.status);
  let select = query.selectAll();
  for (const order of filter.sort ?? [])
    select = select.orderBy(RULE_SORT[order.property as keyof typeof RULE_SORT], order.direction === 'DESC' ? 'desc' : 'asc');
  const [rows, count] = await Promise.all([
    select
      .orderBy('created_at', 'asc')
      .orderBy('id')
      .limit(filter.size)
      .offset(filter.page * filter.size)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(toView), total: Number(count.n) };
}

export async function findRule(db: Kysely<Tables>, id: string): Promise<RuleView | undefined> {
  const row = await db.selectFrom('promotion_rules').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  return row ? toView(row) : undefined;
}

export async function findRuleByName(db: Kysely<Tables>, name: string): Promise<RuleView | undefined> {
  const row = await db.selectFrom('promotion_rules').selectAll().where('name', '=', name).where('deleted_at', 'is', null).executeTakeFirst();
  return row ? toView(row) : undefined;
}

export async function listActiveRulesOfType(db: Kysely<Tables>, ruleType: string): Promise<RuleView[]> {
  const rows = await db
    .selectFrom('promotion_rules')
    .selectAll()
    .where('rule_type', '=', ruleType)
    .where('status', '=', 'ACTIVE')
    .where('deleted_at', 'is', null)
    .execute();
  return rows.map(toView);
}

export interface RuleWrite {
  readonly name: string;
  readonly ruleType: string;
  readonly ruleContent: string;
  readonly parameters: Record<string, unknown> | null;
  readonly description: string | null;
  readonly status: string;
}

export async function insertRule(db: Kysely<Tables>, id: string, rule: RuleWrite, actor: string | null): Promise<void> {
  const now = toDbTimestamp();
  await db
    .insertInto('promotion_rules')
    .values({
      id,
      name: rule.name,
      rule_type: rule.ruleType,
      rule_content: rule.ruleContent,
      parameters: rule.parameters === null ? null : toJson(rule.parameters),
      description: rule.description,
      status: rule.status,
      created_by: actor,
      updated_by: actor,
      deleted_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export async function updateRule(db: Kysely<Tables>, id: string, rule: Partial<RuleWrite>, actor: string | null): Promise<void> {
  await db
    .updateTable('promotion_rules')
    .set({
      ...(rule.name !== undefined ? { name: rule.name } : {}),
      ...(rule.ruleType !== undefined ? { rule_type: rule.ruleType } : {}),
      ...(rule.ruleContent !== undefined ? { rule_content: rule.ruleContent } : {}),
      ...(rule.parameters !== undefined ? { parameters: rule.parameters === null ? null : toJson(rule.parameters) } : {}),
      ...(rule.description !== undefined ? { description: rule.description } : {}),
      ...(rule.status !== undefined ? { status: rule.status } : {}),
      updated_by: actor,
      updated_at: toDbTimestamp(),
    })
    .where('id', '=', id)
    .execute();
}

export async function softDeleteRule(db: Kysely<Tables>, id: string, actor: string | null): Promise<void> {
  const now = toDbTimestamp();
  await db.updateTable('promotion_rules').set({ status: 'INACTIVE', deleted_at: now, updated_at: now, updated_by: actor }).where('id', '=', id).execute();
}
