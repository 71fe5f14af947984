import type { ValidateFunction } from 'ajv';
import type { Kysely } from 'kysely';
import { CampaignInput, type CampaignView, type CampaignsService } from '../campaigns/index.js';
import type { Tables } from '../platform/db/tables.js';
import { AppError, type FieldError } from '../platform/errors.js';
import type { Locale } from '../platform/http/i18n.js';
import { fieldErrors, validatorOf } from '../platform/http/validation.js';
import { compileParametersSchema, forValidation, parameterErrors, placeholders, substitute, type TemplateDefinition } from './build.js';
import { BUILTIN_TEMPLATES } from './templates.builtin.js';
import { unsupportedPatterns } from './linear-regex.js';
import * as repo from './templates.repository.js';

export interface TemplateView extends TemplateDefinition {
  readonly builtIn: boolean;
}

export interface TemplatesService {
  list(tenantId: string): Promise<TemplateView[]>;
  get(tenantId: string, id: string): Promise<TemplateView>;
  create(tenantId: string, input: TemplateDefinition): Promise<TemplateView>;
  remove(tenantId: string, id: string): Promise<void>;
  /** Builds the campaign draft from a template and parameters (400 naming `parameters.<field>`). */
  build(
    tenantId: string,
    templateId: string,
    parameters: Record<string, unknown>,
    overrides?: Record<string, unknown>,
    locale?: Locale,
  ): Promise<CampaignInput>;
  instantiate(
    tenantId: string,
    templateId: string,
    parameters: Record<string, unknown>,
    overrides?: Record<string, unknown>,
    locale?: Locale,
  ): Promise<CampaignView>;
}

const invalid = (what: string, errors: readonly FieldError[]) =>
  new AppError(
    'VALIDATION_FAILED',
    { zh: `${what}驗證失敗: ${errors.map((e) => e.message).join('; ')}`, en: `${what} invalid: ${errors.map((e) => e.message).join('; ')}` },
    { errors },
  );

const builtIns = new Map(BUILTIN_TEMPLATES.map((t) => [t.id, t]));

export function createTemplatesService(deps: { db: Kysely<Tables>; campaigns: CampaignsService }): TemplatesService {
  const { db } = deps;
  const validators = new Map<string, ValidateFunction>();

  function validatorFor(key: string, schema: Record<string, unknown>): ValidateFunction {
    let v = validators.get(key);
    if (!v) {
      try {
        v = compileParametersSchema(schema);
      } catch (error) {
        // A template stored before schemas were compiled with RE2 may hold a regex RE2 refuses.
        const problems = unsupportedPatterns(schema);
        throw invalid(
          'parametersSchema',
          problems.length > 0
            ? problems
            : [{ field: 'parametersSchema', message: `parametersSchema cannot be compiled: ${error instanceof Error ? error.message : String(error)}` }],
        );
      }
      validators.set(key, v);
    }
    return v;
  }

  async function find(tenantId: string, id: string): Promise<{ template: TemplateDefinition; key: string; builtIn: boolean }> {
    const builtIn = builtIns.get(id);
    if (builtIn) return { template: builtIn, key: `builtin/${id}`, builtIn: true };
    const stored = await repo.findTemplate(db, tenantId, id);
    if (!stored) throw new AppError('RESOURCE_NOT_FOUND', { zh: `模板不存在: ${id}`, en: `Template not found: ${id}` });
    const { updatedAt, ...template } = stored;
    return { template, key: `${tenantId}/${id}/${updatedAt}`, builtIn: false };
  }

  const service: TemplatesService = {
    async list(tenantId) {
      const own = await repo.listTemplates(db, tenantId);
      return [...BUILTIN_TEMPLATES.map((t) => ({ ...t, builtIn: true })), ...own.map(({ updatedAt: _u, ...t }) => ({ ...t, builtIn: false }))];
    },
    async get(tenantId, id) {
      const { template, builtIn } = await find(tenantId, id);
      return { ...template, builtIn };
    },
    async create(tenantId, input) {
      if (builtIns.has(input.id))
        throw new AppError('DUPLICATE_RESOURCE', { zh: `與內建模板同名: ${input.id}`, en: `A built-in template is called ${input.id}` });
      const patterns = unsupportedPatterns(input.parametersSchema);
      if (patterns.length > 0) throw invalid('parametersSchema', patterns);
      try {
        compileParametersSchema(input.parametersSchema);
      } catch (error) {
        throw invalid('parametersSchema', [
          { field: 'parametersSchema', message: `parametersSchema is not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}` },
        ]);
      }
      const declared = new Set(Object.keys((input.parametersSchema as { properties?: Record<string, unknown> }).properties ?? {}));
      const unknown = placeholders(input.campaign).filter((p) => !declared.has(p.name));
      if (unknown.length > 0)
        throw invalid(
          'campaign',
          unknown.map((p) => ({ field: p.path, message: `${p.path} uses parameter "${p.name}", which parametersSchema.properties does not declare` })),
        );
      if (!(await repo.insertTemplate(db, tenantId, input)))
        throw new AppError('DUPLICATE_RESOURCE', { zh: `模板已存在: ${input.id}`, en: `Template already exists: ${input.id}` });
      return { ...input, builtIn: false };
    },
    async remove(tenantId, id) {
      if (builtIns.has(id)) throw new AppError('BUSINESS_RULE_VIOLATION', { zh: '內建模板不可刪除', en: 'Built-in templates cannot be deleted' });
      if (!(await repo.deleteTemplate(db, tenantId, id)))
        throw new AppError('RESOURCE_NOT_FOUND', { zh: `模板不存在: ${id}`, en: `Template not found: ${id}` });
    },
    async build(tenantId, templateId, parameters, overrides = {}, locale = 'en') {
      const { template, key } = await find(tenantId, templateId);
      const validate = validatorFor(key, template.parametersSchema);
      // Checked as numbers where the schema says number; the exact strings are what is substituted.
      const checked = forValidation(template.parametersSchema, structuredClone(parameters));
      if (!validate(checked)) throw invalid('parameters', parameterErrors(validate.errors, locale));
      // Ajv filled defaults into `checked`; take them, but keep each given value as given (decimal strings stay exact).
      const params = { ...checked, ...parameters };
      // Overrides replace whole campaign fields (limits, rules, schedule …) of the built draft.
      const draft = { ...(substitute(template.campaign, params) as Record<string, unknown>), ...overrides };
      // A missing optional parameter means "not set": drop it (but never inside rules, where null is a value).
      for (const [k, v] of Object.entries(draft)) if (v === null) delete draft[k];
      const limits = draft.limits;
      if (typeof limits === 'object' && limits !== null) draft.limits = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== null));
      const check = validatorOf(CampaignInput);
      if (!check(draft)) {
        const errors = fieldErrors((check.errors ?? []).slice(0, 20), locale, { prefix: 'campaign' }).map((e) => ({
          ...e,
          message: `template ${templateId} built an invalid campaign: ${e.message}`,
        }));
        throw invalid('campaign', errors);
      }
      return draft as CampaignInput;
    },
    async instantiate(tenantId, templateId, parameters, overrides, locale) {
      const draft = await service.build(tenantId, templateId, parameters, overrides, locale);
      return deps.campaigns.create(tenantId, draft, templateId);
    },
  };
  return service;
}
