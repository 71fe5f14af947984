import type { ColumnType } from 'kysely';

/** A tenant's own templates (built-ins live in code: templates.builtin.ts). */
export interface CampaignTemplateTable {
  tenant_id: string;
  id: string;
  name: string;
  description: string | null;
  parameters_schema: unknown;
  campaign: unknown;
  created_at: ColumnType<string, string, never>;
  updated_at: string;
}

declare module '../platform/db/tables.js' {
  interface Tables {
    campaign_templates: CampaignTemplateTable;
  }
}
