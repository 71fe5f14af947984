/**
 * Request templates for external systems: URL placeholders (`{customerId}`), body placeholders
 * (`${customer.region}`) and header secrets (`${env:NAME}`). Pure except for the env map passed in.
 */

/** A template could not be filled (missing value, missing secret). The message never holds a secret value. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

export interface TemplateScope {
  readonly customer: Readonly<Record<string, unknown>>;
  readonly variables: Readonly<Record<string, unknown>>;
}

/** `a.b.0.c` into a JSON value; undefined when any step is missing. Own properties only. */
export function readPath(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** `customer.x` / `vars.x` explicitly; a bare name is looked up in the customer, then the variables. */
function lookup(name: string, scope: TemplateScope): unknown {
  if (name.startsWith('customer.')) return readPath(scope.customer, name.slice('customer.'.length));
  if (name.startsWith('vars.')) return readPath(scope.variables, name.slice('vars.'.length));
  const fromCustomer = readPath(scope.customer, name);
  return fromCustomer !== undefined ? fromCustomer : readPath(scope.variables, name);
}

const URL_PLACEHOLDER = /\{([A-Za-z_][\w.]*)\}/g;
const BODY_PLACEHOLDER = /\$\{((?:customer|vars)\.[A-Za-z_][\w.]*|[A-Za-z_][\w.]*)\}/g;
const WHOLE_BODY_PLACEHOLDER = /^\$\{((?:customer|vars)\.[A-Za-z_][\w.]*|[A-Za-z_][\w.]*)\}$/;
const ENV_REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Placeholder names of a URL template (for write-time checks). */
export function urlPlaceholders(template: string): string[] {
  return [...template.matchAll(URL_PLACEHOLDER)].map((m) => m[1] as string);
}

/** Fill `{baseUrl}` raw and every other `{name}` URL-encoded. A missing or non-scalar value is an error. */
export function fillUrl(template: string, baseUrl: string, scope: TemplateScope): string {
  return template.replace(URL_PLACEHOLDER, (_match, name: string) => {
    if (name === 'baseUrl') return baseUrl.replace(/\/+$/, '');
    const value = lookup(name, scope);
    if (value === undefined || value === null || value === '') throw new TemplateError(`URL placeholder {${name}} has no value`);
    if (typeof value === 'object') throw new TemplateError(`URL placeholder {${name}} is not a scalar`);
    return encodeURIComponent(String(value));
  });
}

/**
 * Fill a JSON body template. A string that is exactly one placeholder takes the value itself (a
 * number stays a number; a missing one drops the property); placeholders inside longer strings are
 * interpolated (missing → empty).
 */
export function fillBody(template: unknown, scope: TemplateScope): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE_BODY_PLACEHOLDER.exec(template);
    if (whole) return toJsonValue(lookup(whole[1] as string, scope));
    return template.replace(BODY_PLACEHOLDER, (_m, name: string) => {
      const value = lookup(name, scope);
      return value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    });
  }
  if (Array.isArray(template)) return template.map((item) => fillBody(item, scope) ?? null);
  if (template !== null && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template)) {
      const filled = fillBody(value, scope);
      if (filled !== undefined) defineOwn(out, key, filled);
    }
    return out;
  }
  return template;
}

/** Decimal.js and other objects with toJSON become plain JSON. */
function toJsonValue(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** Environment variable names a header template references. */
export function envReferences(template: string): string[] {
  return [...template.matchAll(ENV_REFERENCE)].map((m) => m[1] as string);
}

/**
 * The only environment variables an external system may read: Banyan's own configuration
 * (JWT_SECRET, BANYAN_ADMIN_PASSWORD, DATABASE_URL, …) is never reachable through a header.
 */
export const EXT_SECRET_PREFIX = 'BANYAN_EXT_SECRET_';
export const isExtSecretName = (name: string): boolean => name.startsWith(EXT_SECRET_PREFIX) && name.length > EXT_SECRET_PREFIX.length;

export interface ResolvedHeaders {
  readonly headers: Record<string, string>;
  /** The values put in, so whatever the call produced can be scrubbed of them. */
  readonly secrets: readonly string[];
}

/**
 * Resolve `${env:NAME}` in header templates at call time. A missing variable, or one outside
 * `BANYAN_EXT_SECRET_*` (a row written before the rule), is an error naming it (never a value).
 */
export function resolveHeaders(headers: Readonly<Record<string, string>>, env: Readonly<Record<string, string | undefined>>, system: string): ResolvedHeaders {
  const out: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [name, template] of Object.entries(headers)) {
    out[name] = template.replace(ENV_REFERENCE, (_m, variable: string) => {
      if (!isExtSecretName(variable)) {
        throw new TemplateError(
          `environment variable ${variable} may not be referenced (header ${name} of external system ${system}): only ${EXT_SECRET_PREFIX}* variables are external-system secrets`,
        );
      }
      const value = env[variable];
      if (value === undefined || value === '') {
        throw new TemplateError(`environment variable ${variable} is not set (referenced by header ${name} of external system ${system})`);
      }
      secrets.push(value);
      return value;
    });
  }
  return { headers: out, secrets };
}

/** Headers that carry credentials: their values must come from `${env:…}`, never be stored literally. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'x-auth-token', 'cookie']);

/** Apply a response mapping `{ variable: 'dotted.path' }`; an empty mapping keeps the whole response. */
export function mapResponse(mapping: Readonly<Record<string, string>>, body: unknown): Record<string, unknown> {
  const entries = Object.entries(mapping);
  if (entries.length === 0)
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : { value: body };
  const out: Record<string, unknown> = {};
  for (const [variable, path] of entries) defineOwn(out, variable, readPath(body, path) ?? null);
  return out;
}

/** An own data property even for the key `__proto__` (assignment would replace the object's prototype). */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
