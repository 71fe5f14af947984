/**
 * Templates: a JSON Schema for the parameters (Ajv, allErrors, formats) and a campaign draft with
 * `{ "$param": "name" }` placeholders. Pure functions; the service adds storage.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Decimal } from 'decimal.js';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from '../platform/errors.js';
import type { Locale } from '../platform/http/i18n.js';
import { fieldErrors } from '../platform/http/validation.js';
import { re2RegExp, useLinearFormats } from './linear-regex.js';

export interface TemplateDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly parametersSchema: Record<string, unknown>;
  /** A CampaignInput with `{ "$param": name }` placeholders. */
  readonly campaign: Record<string, unknown>;
}

// ajv-formats is CommonJS; its default export arrives as `default` under NodeNext.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats = (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);
// Tenant schemas: every regex runs in linear time (see linear-regex.ts).
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, code: { regExp: re2RegExp } });
addFormats(ajv);
useLinearFormats(ajv);

export function compileParametersSchema(schema: Record<string, unknown>): ValidateFunction {
  return ajv.compile(schema);
}

/** Ajv errors as field errors under `parameters.` (e.g. "parameters.matchPercent is required"), through the one mapper. */
export function parameterErrors(errors: readonly ErrorObject[] | null | undefined, locale: Locale = 'en', prefix = 'parameters'): FieldError[] {
  return fieldErrors(errors ?? [], locale, { prefix, context: prefix });
}

const isPlaceholder = (value: unknown): value is { $param: string } =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  typeof (value as { $param?: unknown }).$param === 'string';

/** Every placeholder name in a draft, with its JSON path. */
export function placeholders(value: unknown, path = 'campaign'): { name: string; path: string }[] {
  if (isPlaceholder(value)) return [{ name: value.$param, path }];
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholders(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => placeholders(v, `${path}.${k}`));
  return [];
}

/**
 * Replaces placeholders with parameter values; a missing optional parameter becomes null. Inside a
 * rule (`inRule`) a decimal-string parameter becomes the JSON number with the same decimal value
 * when one exists (so conditions compare numbers, not strings); elsewhere (limits) it stays the
 * exact string.
 */
export function substitute(value: unknown, params: Readonly<Record<string, unknown>>, inRule = false): unknown {
  if (isPlaceholder(value)) {
    const v = params[value.$param] ?? null;
    return inRule && typeof v === 'string' && DECIMAL_TEXT.test(v) ? exactNumber(v) : v;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, params, inRule));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, params, inRule || k === 'rule')]));
  return value;
}

/** A decimal amount given as text ("50", "12.50"), accepted wherever a template parameter is a number. */
export const DECIMAL_TEXT = /^-?\d{1,15}(\.\d{1,8})?$/;

/** The number whose shortest form is the same decimal as `text`, else the text itself (kept exact). */
function exactNumber(text: string): number | string {
  const n = Number(text);
  return new Decimal(String(n)).eq(new Decimal(text)) ? n : text;
}

const typesOf = (schema: unknown): string[] => {
  const t = (schema as { type?: unknown } | null)?.type;
  return Array.isArray(t) ? t.map(String) : typeof t === 'string' ? [t] : [];
};

/**
 * Parameters as the schema checks them: a decimal string given for a `number` property is checked
 * as its number (so `"maxBonus": "50"` meets `exclusiveMinimum: 0`), while the string itself is
 * what is substituted (exact). Only top-level properties: template parameters are flat.
 */
export function forValidation(schema: Record<string, unknown>, params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...params };
  for (const [name, value] of Object.entries(params)) {
    const types = typesOf(properties[name]);
    if (typeof value === 'string' && DECIMAL_TEXT.test(value) && types.includes('number') && !types.includes('string')) out[name] = Number(value);
  }
  return out;
}
