/**
 * Templates: a JSON Schema for the parameters (Ajv, allErrors, formats) and a campaign draft with
 * `{ "$param": "name" }` placeholders. Pure functions; the service adds storage.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from '../platform/http/errors.js';
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

/** Ajv errors as field errors under `parameters.` (e.g. `parameters.matchPercent`). */
export function parameterErrors(errors: readonly ErrorObject[] | null | undefined, prefix = 'parameters'): FieldError[] {
  return (errors ?? []).map((e) => {
    const path = e.instancePath.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
    const missing = (e.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ?? (e.params as { additionalProperty?: string }).additionalProperty;
    const field = [prefix, path, missing].filter(Boolean).join('.');
    return { field, code: e.keyword, message: `${field} ${e.message ?? 'is invalid'}` };
  });
}

const isPlaceholder = (value: unknown): value is { $param: string } =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { $param?: unknown }).$param === 'string';

/** Every placeholder name in a draft, with its JSON path. */
export function placeholders(value: unknown, path = 'campaign'): { name: string; path: string }[] {
  if (isPlaceholder(value)) return [{ name: value.$param, path }];
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholders(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => placeholders(v, `${path}.${k}`));
  return [];
}

/** Replaces placeholders with parameter values; a missing optional parameter becomes null. */
export function substitute(value: unknown, params: Readonly<Record<string, unknown>>): unknown {
  if (isPlaceholder(value)) return params[value.$param] ?? null;
  if (Array.isArray(value)) return value.map((v) => substitute(v, params));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, params)]));
  return value;
}
