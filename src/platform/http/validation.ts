/**
 * The one mapper from JSON-schema validation issues (Ajv's, and TypeBox's which have the same
 * shape) to the envelope's field errors: request bodies and query strings (server.ts), template
 * parameters and template-built campaigns (templates), merged PATCH documents (campaigns). Each
 * message says what is expected ("currency must be an ISO 4217 code such as USD"), never Ajv's
 * wording ("must match pattern …").
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from './errors.js';
import { describeSchemaIssue, type Locale } from './i18n.js';

// ajv-formats is CommonJS; its default export arrives as `default` under NodeNext.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats = (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);
// No type coercion: a document validated here (a merged PATCH, a template-built campaign) is stored as it is.
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const compiled = new WeakMap<object, ValidateFunction>();

/** A validator for one of the API's own schemas (cached per schema object), formats checked, nothing coerced. */
export function validatorOf(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) compiled.set(schema, (v = ajv.compile(schema)));
  return v;
}

export interface SchemaIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly schemaPath?: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/** `/limits/maxAmountPerPlayer` → `limits.maxAmountPerPlayer`, `/events/0/type` → `events[0].type`. */
export function fieldOf(instancePath: string, prefix?: string, child?: string): string {
  const path = instancePath
    .replace(/^\//, '')
    .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
    .replace(/\//g, '.')
    .replace(/\.\[/g, '[');
  return [prefix, path, child].filter(Boolean).join('.').replace(/\.\[/g, '[');
}

const childOf = (issue: SchemaIssue): string | undefined => {
  const p = issue.params as { missingProperty?: unknown; additionalProperty?: unknown };
  if (issue.keyword === 'required' && typeof p.missingProperty === 'string') return p.missingProperty;
  if (issue.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string') return p.additionalProperty;
  return undefined;
};

/**
 * Field errors for a list of issues. `prefix` puts them under a name (`parameters`), `context`
 * names the whole document when the path is empty (`body`, `querystring`). A union (anyOf) that
 * fails gives one error for its field, built from its branches, not one per branch.
 */
export function fieldErrors(issues: readonly SchemaIssue[], locale: Locale, options: { prefix?: string; context?: string } = {}): FieldError[] {
  const unions = new Set(issues.filter((i) => i.keyword === 'anyOf' || i.keyword === 'oneOf').map((i) => i.instancePath));
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const push = (e: FieldError) => {
    const key = `${e.field}\u0000${e.message}`;
    if (!seen.has(key)) errors.push(e);
    seen.add(key);
  };
  for (const path of unions) {
    const branches = issues.filter((i) => i.instancePath === path && i.keyword !== 'anyOf' && i.keyword !== 'oneOf');
    const field = fieldOf(path, options.prefix) || options.context || 'body';
    push({ field, message: describeSchemaIssue(field, { keyword: 'anyOf', params: { branches } }, locale) });
  }
  for (const issue of issues) {
    if (issue.keyword === 'anyOf' || issue.keyword === 'oneOf') continue;
    // Branch errors of a failed union at the same place are folded into its one message.
    if (unions.has(issue.instancePath) && childOf(issue) === undefined) continue;
    const field = fieldOf(issue.instancePath, options.prefix, childOf(issue)) || options.context || 'body';
    const described = options.context === 'querystring' ? { ...issue, params: { ...issue.params, context: 'querystring' } } : issue;
    push({ field, message: describeSchemaIssue(field, described, locale) });
  }
  return errors;
}
