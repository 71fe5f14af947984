import type { Kysely } from 'kysely';
import type { Diagnostic } from '../engine/types.js';
import type { ChangeRecorder, RequestContext } from '../platform/changes.js';
import { newId } from '../platform/db/sql.js';
import type { Tables } from '../platform/db/tables.js';
import { invalidContent } from '../platform/diagnostics.js';
import { AppError } from '../platform/errors.js';
import { pageOf, type Page } from '../platform/paging.js';
import { ExternalCaller } from './client.js';
import * as repo from './external.repository.js';
import type { ExternalSystemInput, ExternalSystemView } from './external.schema.js';
import { guardedConnector, urlProblem, type AddressPolicy } from '../platform/net/url-guard.js';
import { envReferences, EXT_SECRET_PREFIX, isExtSecretName, SECRET_HEADERS, urlPlaceholders } from './template.js';

/** Names the EXTERNAL_SYSTEM node puts next to the mapped variables, so a mapping may not use them. */
export const RESERVED_RESULT_KEYS: ReadonlySet<string> = new Set(['available', 'calls', 'system', 'fallback', 'conditionError']);

export const DEFAULTS = {
  method: 'GET',
  timeoutMs: 2_000,
  retries: 2,
  retryBackoffMs: 100,
  circuitBreaker: { errorThresholdPercentage: 50, resetTimeoutMs: 30_000, volumeThreshold: 5 },
  onUnavailable: 'FALSE',
  maxConnections: 64,
} as const;

/** A live system with its caller (pool + breaker), as the command uses it. */
export interface RegisteredSystem {
  readonly view: ExternalSystemView;
  readonly caller: ExternalCaller;
}

export interface ExternalSystemsService {
  list(filter: { status?: string; page: number; size: number }): Promise<Page<ExternalSystemView>>;
  get(idOrName: string): Promise<ExternalSystemView>;
  create(input: ExternalSystemInput, ctx: RequestContext): Promise<ExternalSystemView>;
  update(idOrName: string, input: ExternalSystemInput, ctx: RequestContext): Promise<ExternalSystemView>;
  remove(idOrName: string, ctx: RequestContext): Promise<void>;
  /** The ACTIVE system of that name with its caller, or undefined. Cached; refreshed on change and after ttlMs. */
  resolve(name: string): Promise<RegisteredSystem | undefined>;
  /** Close every connection pool (shutdown). */
  close(): Promise<void>;
}

export interface ExternalDeps {
  readonly db: Kysely<Tables>;
  readonly changes: ChangeRecorder;
  /** How long the registry trusts its cache before re-reading (other processes' writes). */
  readonly ttlMs: number;
  /** Which base URLs are acceptable and reachable (production: public addresses or EXTERNAL_HOSTS_ALLOW). */
  readonly addressPolicy: AddressPolicy;
}

const notFound = (id: string) => new AppError('RESOURCE_NOT_FOUND', { zh: `外部系統不存在: ${id}`, en: `External system not found: ${id}` });

function toWrite(input: ExternalSystemInput): repo.ExternalSystemWrite {
  return {
    name: input.name,
    baseUrl: input.baseUrl.replace(/\/+$/, ''),
    urlTemplate: input.urlTemplate ?? '{baseUrl}',
    method: input.method ?? DEFAULTS.method,
    headers: input.headers ?? {},
    bodyTemplate: input.bodyTemplate ?? null,
    timeoutMs: input.timeoutMs ?? DEFAULTS.timeoutMs,
    retries: input.retries ?? DEFAULTS.retries,
    retryBackoffMs: input.retryBackoffMs ?? DEFAULTS.retryBackoffMs,
    circuitBreaker: { ...DEFAULTS.circuitBreaker, ...input.circuitBreaker },
    responseMapping: input.responseMapping ?? {},
    onUnavailable: input.onUnavailable ?? DEFAULTS.onUnavailable,
    maxConnections: input.maxConnections ?? DEFAULTS.maxConnections,
    description: input.description ?? null,
    status: input.status ?? 'ACTIVE',
  };
}

/** Write-time checks beyond the schema: URL shape, placeholders, secrets only by reference, mapping names. */
export function checkSystem(system: repo.ExternalSystemWrite): Diagnostic[] {
  const out: Diagnostic[] = [];
  let base: URL | undefined;
  try {
    base = new URL(system.baseUrl);
    if (base.username || base.password)
      out.push({
        code: 'INVALID_PARAMETER',
        field: 'baseUrl',
        message: 'credentials in the URL are not allowed; use a header with ${env:BANYAN_EXT_SECRET_NAME}',
      });
    if (base.search || base.hash) out.push({ code: 'INVALID_PARAMETER', field: 'baseUrl', message: 'baseUrl must not have a query or fragment' });
  } catch {
    out.push({ code: 'INVALID_PARAMETER', field: 'baseUrl', message: `not a URL: ${system.baseUrl}` });
  }
  if (!system.urlTemplate.startsWith('{baseUrl}'))
    out.push({ code: 'INVALID_PARAMETER', field: 'urlTemplate', message: 'urlTemplate must start with {baseUrl} (calls stay on the registered origin)' });
  if (system.urlTemplate.includes('${env:')) out.push({ code: 'INVALID_PARAMETER', field: 'urlTemplate', message: 'secrets may appear only in headers' });
  for (const name of urlPlaceholders(system.urlTemplate)) {
    if (name.startsWith('env'))
      out.push({ code: 'INVALID_PARAMETER', field: 'urlTemplate', message: `placeholder {${name}}: secrets may appear only in headers` });
  }
  if (system.bodyTemplate !== null && JSON.stringify(system.bodyTemplate).includes('${env:')) {
    out.push({ code: 'INVALID_PARAMETER', field: 'bodyTemplate', message: 'secrets may appear only in headers (the body is recorded in the audit trail)' });
  }
  if (system.bodyTemplate !== null && system.method === 'GET')
    out.push({ code: 'INVALID_PARAMETER', field: 'bodyTemplate', message: 'a GET request has no body; use POST or PUT' });
  for (const [header, value] of Object.entries(system.headers)) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(header)) out.push({ code: 'INVALID_PARAMETER', field: `headers.${header}`, message: 'not a valid header name' });
    if (SECRET_HEADERS.has(header.toLowerCase()) && envReferences(value).length === 0) {
      out.push({
        code: 'INVALID_PARAMETER',
        field: `headers.${header}`,
        message: `${header} carries credentials: reference them from the environment, e.g. "Bearer \${env:BANYAN_EXT_SECRET_TOKEN}"`,
      });
    }
    if (/\$\{env:(?![A-Za-z_][A-Za-z0-9_]*\})/.test(value))
      out.push({ code: 'INVALID_PARAMETER', field: `headers.${header}`, message: 'malformed ${env:NAME} reference' });
    for (const name of envReferences(value)) {
      if (!isExtSecretName(name)) {
        out.push({
          code: 'INVALID_PARAMETER',
          field: `headers.${header}`,
          message: `\${env:${name}} may not be referenced: only variables named ${EXT_SECRET_PREFIX}* hold external-system secrets`,
        });
      }
    }
  }
  for (const [variable, path] of Object.entries(system.responseMapping)) {
    if (!/^[A-Za-z_]\w*$/.test(variable))
      out.push({ code: 'INVALID_PARAMETER', field: `responseMapping.${variable}`, message: 'a mapped variable must be an identifier' });
    if (RESERVED_RESULT_KEYS.has(variable))
      out.push({
        code: 'INVALID_PARAMETER',
        field: `responseMapping.${variable}`,
        message: `'${variable}' is reserved (${[...RESERVED_RESULT_KEYS].join(', ')})`,
      });
    if (!/^[\w-]+(\.[\w-]+)*$/.test(path))
      out.push({ code: 'INVALID_PARAMETER', field: `responseMapping.${variable}`, message: `'${path}' is not a dotted path` });
  }
  return out;
}

export function createExternalSystemsService(deps: ExternalDeps): ExternalSystemsService {
  const { db } = deps;
  let registry: { systems: Map<string, ExternalSystemView>; at: number } | undefined;
  let loading: Promise<Map<string, ExternalSystemView>> | undefined;
  /** Callers by system id, rebuilt when the system's definition changes (updatedAt). */
  const callers = new Map<string, { version: string; caller: ExternalCaller }>();

  async function load(idOrName: string): Promise<ExternalSystemView> {
    const found = await repo.findSystem(db, idOrName);
    if (!found) throw notFound(idOrName);
    return found;
  }

  async function validate(write: repo.ExternalSystemWrite): Promise<void> {
    const diagnostics = checkSystem(write);
    if (!diagnostics.some((d) => d.field === 'baseUrl')) {
      const problem = await urlProblem('baseUrl', write.baseUrl, deps.addressPolicy);
      if (problem) diagnostics.push({ code: 'INVALID_PARAMETER', field: 'baseUrl', message: problem });
    }
    if (diagnostics.length > 0) throw invalidContent({ zh: '外部系統設定', en: 'External system' }, diagnostics, '');
  }

  async function ensureUniqueName(name: string, exceptId?: string): Promise<void> {
    const existing = await repo.findSystem(db, name);
    if (existing && existing.id !== exceptId && existing.name === name) {
      throw new AppError('DUPLICATE_RESOURCE', { zh: `外部系統名稱已存在: ${name}`, en: `An external system named '${name}' already exists` });
    }
  }

  function changed(): void {
    registry = undefined;
  }

  async function systems(): Promise<Map<string, ExternalSystemView>> {
    if (registry && Date.now() - registry.at <= deps.ttlMs) return registry.systems;
    loading ??= repo
      .allLiveSystems(db)
      .then((rows) => {
        const map = new Map(rows.filter((s) => s.status === 'ACTIVE').map((s) => [s.name, s]));
        registry = { systems: map, at: Date.now() };
        retireCallers(new Set(rows.map((s) => `${s.id}@${s.updatedAt}`)));
        return map;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  function retireCallers(liveVersions: ReadonlySet<string>): void {
    for (const [id, entry] of callers) {
      if (!liveVersions.has(`${id}@${entry.version}`)) {
        callers.delete(id);
        void entry.caller.close();
      }
    }
  }

  function callerFor(view: ExternalSystemView): ExternalCaller {
    const entry = callers.get(view.id);
    if (entry && entry.version === view.updatedAt) return entry.caller;
    if (entry) void entry.caller.close();
    const caller = new ExternalCaller({
      name: view.name,
      origin: new URL(view.baseUrl).origin,
      timeoutMs: view.timeoutMs,
      retries: view.retries,
      retryBackoffMs: view.retryBackoffMs,
      circuitBreaker: view.circuitBreaker,
      maxConnections: view.maxConnections,
      // Checked again on every connection: the row may predate the policy, or its name may now resolve elsewhere.
      connector: guardedConnector(deps.addressPolicy, { timeout: view.timeoutMs }),
    });
    callers.set(view.id, { version: view.updatedAt, caller });
    return caller;
  }

  const withState = (view: ExternalSystemView): ExternalSystemView => {
    const entry = callers.get(view.id);
    return entry && entry.version === view.updatedAt ? { ...view, circuitState: entry.caller.circuitState } : view;
  };

  return {
    async list(filter) {
      const { rows, total } = await repo.listSystems(db, filter);
      return pageOf(rows.map(withState), filter.page, filter.size, total);
    },
    async get(idOrName) {
      return withState(await load(idOrName));
    },
    async create(input, ctx) {
      const write = toWrite(input);
      await validate(write);
      await ensureUniqueName(write.name);
      const id = newId();
      await repo.insertSystem(db, id, write, ctx.actor?.username ?? null);
      const after = await load(id);
      await deps.changes.record({ entity: 'EXTERNAL_SYSTEM', entityId: id, action: 'CREATE', actor: ctx.actor, requestId: ctx.requestId, before: null, after });
      changed();
      return after;
    },
    async update(idOrName, input, ctx) {
      const before = await load(idOrName);
      const write = toWrite(input);
      await validate(write);
      await ensureUniqueName(write.name, before.id);
      await repo.updateSystem(db, before.id, write, ctx.actor?.username ?? null);
      const after = await load(before.id);
      await deps.changes.record({
        entity: 'EXTERNAL_SYSTEM',
        entityId: before.id,
        action: 'UPDATE',
        actor: ctx.actor,
        requestId: ctx.requestId,
        before,
        after,
      });
      changed();
      return after;
    },
    async remove(idOrName, ctx) {
      const before = await load(idOrName);
      await repo.softDeleteSystem(db, before.id, ctx.actor?.username ?? null);
      await deps.changes.record({
        entity: 'EXTERNAL_SYSTEM',
        entityId: before.id,
        action: 'DELETE',
        actor: ctx.actor,
        requestId: ctx.requestId,
        before,
        after: null,
      });
      changed();
    },
    async resolve(name) {
      const view = (await systems()).get(name);
      return view ? { view, caller: callerFor(view) } : undefined;
    },
    async close() {
      const all = [...callers.values()];
      callers.clear();
      await Promise.all(all.map((entry) => entry.caller.close()));
    },
  };
}
