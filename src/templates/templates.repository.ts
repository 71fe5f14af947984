import type { Kysely, Selectable } from 'kysely';
import { fromJson, toDbTimestamp, toJson } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import { dbToIso } from '../platform/time.js';
import type { TemplateDefinition } from './build.js';
import type { CampaignTemplateTable } from './templates.tables.js';

export interface StoredTemplate extends TemplateDefinition {
  readonly updatedAt: string;
}

const toDefinition = (row: Selectable<CampaignTemplateTable>): StoredTemplate => ({
  id: row.id,
  name: row.name,
  description: row.description,
  parametersSchema: fromJson<Record<string, unknown>>(row.parameters_schema),
  campaign: fromJson<Record<string, unknown>>(row.campaign),
  updatedAt: dbToIso(row.updated_at) ?? '',
});

export async function listTemplates(db: Kysely<Tables>, tenantId: string): Promise<StoredTemplate[]> {
  const rows = await db.selectFrom('campaign_templates').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();
  return rows.map(toDefinition);
}

export async function findTemplate(db: Kysely<Tables>, tenantId: string, id: string): Promise<StoredTemplate | undefined> {
  const row = await db.selectFrom('campaign_templates').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return row ? toDefinition(row) : undefined;
}

export async function insertTemplate(db: Kysely<Tables>, tenantId: string, t: TemplateDefinition): Promise<boolean> {
  const now = toDbTimestamp();
  const result = await db
    .insertInto('campaign_templates')
    .values({
      tenant_id: tenantId,
      id: t.id,
      name: t.name,
      description: t.description,
      parameters_schema: toJson(t.parametersSchema),
      campaign: toJson(t.campaign),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteTemplate(db: Kysely<Tables>, tenantId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('campaign_templates').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
