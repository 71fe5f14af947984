/**
 * The EXTERNAL_SYSTEM command (seed 002's ExternalSystemCommand):
 * `{ commandType: 'EXTERNAL_SYSTEM', system: 'credit-bureau', resultVariable: 'creditBureau',
 *    condition: '#{#creditBureau.score >= 700}' }`.
 * Calls the registered system, maps the response into the node's result (`#creditBureau.score`),
 * and decides the branch: the condition over the result, or "the call succeeded" without one.
 * Every call (including cached repeats) is recorded in the outcome's `records.calls` for the audit
 * trail, and shown in the step's `output.calls`.
 */
import { LRUCache } from 'lru-cache';
import { compileSpel } from '../engine/index.js';
import type { CommandHandler, CommandOutcome, CompiledExpression } from '../engine/types.js';
import { type ExternalCallRecord, sessionOf, type EvaluationSession } from '../evaluation/index.js';
import { AppError } from '../platform/errors.js';
import type { CallResult } from './client.js';
import type { ExternalSystemsService } from './external.service.js';
import { secretScrubber } from './redact.js';
import { fillBody, fillUrl, mapResponse, resolveHeaders, TemplateError } from './template.js';

export interface ExternalCommandDeps {
  readonly systems: ExternalSystemsService;
  /** Where `${env:BANYAN_EXT_SECRET_*}` secrets come from (process.env in the service). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

type Policy = 'FALSE' | 'TRUE' | 'FAIL';
const isPolicy = (v: unknown): v is Policy => v === 'FALSE' || v === 'TRUE' || v === 'FAIL';

const conditions = new LRUCache<string, CompiledExpression>({ max: 1_000 });
function compiledCondition(source: string): CompiledExpression {
  let expr = conditions.get(source);
  if (!expr) {
    expr = compileSpel(source);
    conditions.set(source, expr);
  }
  return expr;
}

const failed = (message: string): CallResult => ({
  status: 'FAILED',
  responseStatus: null,
  responseBody: null,
  attempts: 0,
  latencyMs: 0,
  errorMessage: message,
});

export function createExternalSystemCommand(deps: ExternalCommandDeps): CommandHandler {
  return {
    async execute(node, context): Promise<CommandOutcome> {
      const config = node.configuration;
      const systemName = typeof config['system'] === 'string' ? config['system'] : '';
      const session = sessionOf(context);
      const startedAt = new Date().toISOString();
      const registered = systemName === '' ? undefined : await deps.systems.resolve(systemName);
      const view = registered?.view;

      let endpoint = view ? `${view.baseUrl}` : '';
      let requestPayload: unknown = null;
      let result: CallResult;
      let cached = false;
      if (!registered || !view) {
        result = failed(
          systemName === '' ? `node ${node.nodeId}: configuration.system is required` : `external system '${systemName}' is not registered or not ACTIVE`,
        );
      } else if (session?.failure) {
        result = failed('not called: the evaluation already failed');
      } else {
        try {
          const scope = { customer: context.customer, variables: context.variables };
          const url = new URL(fillUrl(view.urlTemplate, view.baseUrl, scope));
          endpoint = url.toString();
          requestPayload = view.bodyTemplate === null ? null : fillBody(view.bodyTemplate, scope);
          const { headers, secrets } = resolveHeaders(view.headers, deps.env, view.name);
          const scrub = secretScrubber(secrets);
          const key = `${view.name}\u0000${view.method}\u0000${endpoint}\u0000${JSON.stringify(requestPayload)}`;
          const earlier = session?.cache.get(key) as Promise<CallResult> | undefined;
          if (earlier) {
            cached = true;
            result = await earlier;
          } else {
            // Scrubbed before caching, mapping, recording or answering: an echo of a secret goes nowhere.
            const pending = registered.caller.call({ url, method: view.method, headers, body: requestPayload }).then(scrub);
            session?.cache.set(key, pending);
            result = await pending;
          }
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
          result = failed(error.message);
        }
      }

      const call: ExternalCallRecord = {
        system: systemName,
        endpoint,
        method: view?.method ?? 'GET',
        requestPayload,
        responsePayload: result.responseBody,
        responseStatus: result.responseStatus,
        latencyMs: cached ? 0 : Math.round(result.latencyMs * 100) / 100,
        status: cached ? 'CACHED' : result.status,
        attempts: cached ? 0 : result.attempts,
        errorMessage: result.errorMessage,
        startedAt,
      };
      const input = { system: systemName, endpoint, method: call.method, ...(requestPayload === null ? {} : { requestPayload }) };
      const records = { calls: [call] };

      if (result.status !== 'SUCCESS') {
        const policy: Policy = isPolicy(config['onUnavailable']) ? config['onUnavailable'] : isPolicy(view?.onUnavailable) ? view.onUnavailable : 'FALSE';
        const output = { system: systemName, available: false, fallback: policy, calls: [call] };
        if (policy === 'FAIL') fail(session, systemName, result);
        return { matched: policy === 'TRUE', output, input, records };
      }

      const mapped = mapResponse(view?.responseMapping ?? {}, result.responseBody);
      const output: Record<string, unknown> = { ...mapped, system: systemName, available: true, calls: [call] };
      const condition = config['condition'];
      if (typeof condition !== 'string' || condition.trim() === '') return { matched: true, output, input, records };
      const resultVariable = config.resultVariable;
      try {
        const value = compiledCondition(condition).evaluate(
          context.customer,
          { ...context.variables, result: output, ...(resultVariable ? { [resultVariable]: output } : {}) },
          { now: context.now },
        );
        if (typeof value !== 'boolean')
          return {
            matched: false,
            output: { ...output, conditionError: `condition must evaluate to a boolean, got ${value === null ? 'null' : typeof value}` },
            input,
            records,
          };
        return { matched: value, output, input, records };
      } catch (error) {
        return { matched: false, output: { ...output, conditionError: error instanceof Error ? error.message : String(error) }, input, records };
      }
    },
  };
}

/**
 * onUnavailable FAIL: inside an evaluation, mark the session so the service fails the request
 * after this tree (the step keeps its calls); outside one (CLI, embedding), throw.
 */
function fail(session: EvaluationSession | undefined, system: string, result: CallResult): void {
  const error = new AppError(
    'EXTERNAL_SYSTEM_ERROR',
    {
      zh: `外部系統無法使用: ${system} (${result.status}${result.errorMessage ? `: ${result.errorMessage}` : ''})`,
      en: `External system unavailable: ${system} (${result.status}${result.errorMessage ? `: ${result.errorMessage}` : ''})`,
    },
    { errors: [{ field: 'system', message: `${system}: ${result.status}`, code: result.status }] },
  );
  if (!session) throw error;
  session.failure ??= error;
}
