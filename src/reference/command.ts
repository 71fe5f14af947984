/**
 * The DATABASE_QUERY command (seed 002's DatabaseQueryCommand):
 * `{ commandType: 'DATABASE_QUERY', query: 'blacklist-check', params: { customerId: '#{customerId}' },
 *    resultVariable: 'blacklist', matchWhen: 'FOUND' | 'NOT_FOUND' | '#{#blacklist.rowCount > 2}' }`.
 * Only named queries run; parameter values are SpEL templates or literals, bound as values.
 * Every query is recorded in the outcome's `records.queries` for the audit trail, and shown in the
 * step's `output.queries`.
 */
import { LRUCache } from 'lru-cache';
import { compileSpel } from '../engine/index.js';
import type { CommandHandler, CommandOutcome, CompiledExpression } from '../engine/types.js';
import type { DatabaseQueryRecord } from '../evaluation/index.js';
import { QUERY_TYPE } from './queries.js';
import type { ReferenceService } from './reference.service.js';

const compiled = new LRUCache<string, CompiledExpression>({ max: 1_000 });
function spel(source: string): CompiledExpression {
  let expr = compiled.get(source);
  if (!expr) {
    expr = compileSpel(source);
    compiled.set(source, expr);
  }
  return expr;
}

const isTemplate = (v: string): boolean => /^\s*#\{[\s\S]*\}\s*$/.test(v);

function bindValue(value: unknown, customer: Readonly<Record<string, unknown>>, variables: Readonly<Record<string, unknown>>, now: Date): string | null {
  const resolved = typeof value === 'string' && isTemplate(value) ? spel(value).evaluate(customer, variables, { now }) : value;
  if (resolved === null || resolved === undefined) return null;
  if (typeof resolved === 'object' && !('toFixed' in resolved)) return JSON.stringify(resolved);
  return String(resolved);
}

export function createDatabaseQueryCommand(deps: { reference: ReferenceService }): CommandHandler {
  return {
    async execute(node, context): Promise<CommandOutcome> {
      const config = node.configuration;
      const queryName = typeof config['query'] === 'string' ? config['query'] : '';
      const rawParams = config['params'] !== null && typeof config['params'] === 'object' ? (config['params'] as Record<string, unknown>) : {};
      const startedAt = new Date().toISOString();
      const started = performance.now();
      const query = queryName === '' ? undefined : await deps.reference.resolveQuery(queryName);
      const params: Record<string, string> = {};
      const record = (partial: Pick<DatabaseQueryRecord, 'rowCount' | 'result' | 'status' | 'errorMessage'>): DatabaseQueryRecord => ({
        queryName,
        queryType: query ? (QUERY_TYPE[query.source] ?? query.source) : 'UNKNOWN',
        parameters: params,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
        startedAt,
        ...partial,
      });
      const failedOutcome = (message: string): CommandOutcome => {
        const queries = [record({ rowCount: 0, result: null, status: 'FAILED', errorMessage: message })];
        return {
          matched: false,
          output: { query: queryName, found: false, rowCount: 0, error: message, queries },
          input: { query: queryName, params },
          records: { queries },
        };
      };

      if (!query) return failedOutcome(queryName === '' ? `node ${node.nodeId}: configuration.query is required` : `unknown named query '${queryName}'`);
      try {
        for (const [name, value] of Object.entries(rawParams)) {
          const bound = bindValue(value, context.customer, context.variables, context.now);
          if (bound !== null) params[name] = bound;
        }
      } catch (error) {
        return failedOutcome(`parameter binding failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      const missing = query.parameters.filter((p) => params[p] === undefined);
      if (missing.length > 0) return failedOutcome(`query '${queryName}' needs parameter(s): ${missing.join(', ')}`);
      const unknown = Object.keys(params).filter((p) => !query.parameters.includes(p));
      if (unknown.length > 0) return failedOutcome(`query '${queryName}' does not take parameter(s): ${unknown.join(', ')}`);

      let answer;
      try {
        answer = await deps.reference.run(query, params);
      } catch (error) {
        return failedOutcome(`query failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      const result = { ...answer };
      const queries = [record({ rowCount: answer.rowCount, result, status: 'SUCCESS', errorMessage: null })];
      const records = { queries };
      const output: Record<string, unknown> = { query: queryName, ...answer, queries };
      const matchWhen = config['matchWhen'] ?? 'FOUND';
      const input = { query: queryName, params };
      if (matchWhen === 'FOUND') return { matched: answer.found, output, input, records };
      if (matchWhen === 'NOT_FOUND') return { matched: !answer.found, output, input, records };
      if (typeof matchWhen !== 'string')
        return { matched: false, output: { ...output, conditionError: 'matchWhen must be FOUND, NOT_FOUND or a SpEL condition' }, input, records };
      try {
        const resultVariable = config.resultVariable;
        const value = spel(matchWhen).evaluate(
          context.customer,
          { ...context.variables, result: output, ...(resultVariable ? { [resultVariable]: output } : {}) },
          { now: context.now },
        );
        if (typeof value !== 'boolean')
          return { matched: false, output: { ...output, conditionError: 'matchWhen must evaluate to a boolean' }, input, records };
        return { matched: value, output, input, records };
      } catch (error) {
        return { matched: false, output: { ...output, conditionError: error instanceof Error ? error.message : String(error) }, input, records };
      }
    },
  };
}
