/**
 * The OpenAPI document (/api-docs) lints clean with Redocly's recommended rules — zero errors, zero
 * warnings — through @redocly/openapi-core's lint API with the repository's redocly.yaml and its one
 * documented exception (.redocly.lint-ignore.yaml), exactly as `npm run lint:api` runs the CLI.
 */
import { resolve } from 'node:path';
import { lintFromString, loadConfig, type NormalizedProblem } from '@redocly/openapi-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../scripts/openapi-document.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

interface Operation {
  operationId?: string;
  security?: unknown[];
  tags?: string[];
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
}

function operations(document: Record<string, unknown>): [string, Operation][] {
  const paths = document.paths as Record<string, Record<string, Operation>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m): [string, Operation] => [`${m.toUpperCase()} ${path}`, item[m] as Operation]),
  );
}

/** Every schema object in `node` with its JSON pointer. */
function* schemas(node: unknown, pointer: string): Generator<[string, Record<string, unknown>]> {
  if (node === null || typeof node !== 'object') return;
  if (!Array.isArray(node)) yield [pointer, node as Record<string, unknown>];
  for (const [key, value] of Object.entries(node)) yield* schemas(value, `${pointer}/${key}`);
}

describe('the OpenAPI document', () => {
  let document: Record<string, unknown>;
  let problems: NormalizedProblem[];
  beforeAll(async () => {
    document = await buildOpenApiDocument();
    const config = await loadConfig({ configPath: resolve('redocly.yaml') });
    problems = await lintFromString({ source: JSON.stringify(document, null, 2), absoluteRef: resolve('.openapi/openapi.json'), config });
  }, 120_000);

  const shown = (list: NormalizedProblem[]) => list.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`);

  it('Given Redocly recommended rules, When the document is linted, Then there are zero errors and zero warnings', () => {
    const active = problems.filter((p) => !p.ignored);
    expect(shown(active.filter((p) => p.severity === 'error'))).toEqual([]);
    expect(shown(active.filter((p) => p.severity === 'warn'))).toEqual([]);
  });

  it('Given the ignore file, When linted, Then it hides exactly the documented health exception and nothing else', () => {
    expect(problems.filter((p) => p.ignored).map((p) => [p.ruleId, p.location[0]?.pointer])).toEqual([
      ['operation-4xx-response', '#/paths/~1actuator~1health/get/responses'],
    ]);
  });

  it('Given every operation, When inspected, Then each has a unique camelCase operationId, explicit security and bilingual tags', () => {
    const ops = operations(document);
    expect(ops.length).toBeGreaterThan(60);
    const ids = ops.map(([, op]) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [name, op] of ops) {
      expect(Array.isArray(op.security), name).toBe(true);
      for (const tag of op.tags ?? []) expect(tag, name).toMatch(/^[A-Za-z][A-Za-z ]+ [\u4e00-\u9fff]+$/);
    }
    const byName = Object.fromEntries(ops);
    expect(byName['POST /api/v1/promotions/evaluate']).toMatchObject({ operationId: 'postPromotionsEvaluate', security: [], tags: ['Promotions 優惠評估'] });
    expect(byName['GET /api/v1/management/decision-trees/{treeId}']).toMatchObject({
      operationId: 'getManagementDecisionTreesByTreeId',
      security: [{ basicAuth: [] }],
    });
    const tags = (document.tags as { name: string; description: string }[]).map((t) => t.name);
    for (const [, op] of ops) for (const tag of op.tags ?? []) expect(tags).toContain(tag);
  });

  it('Given the metadata, When inspected, Then servers, MIT licence, contact and security schemes are declared', () => {
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(document.info).toMatchObject({ license: { name: 'MIT' }, contact: { name: expect.any(String) } });
    const components = document.components as { securitySchemes: Record<string, unknown> };
    expect(Object.keys(components.securitySchemes).sort()).toEqual(['apiKey', 'basicAuth', 'bearerAuth']);
  });

  it('Given every response, When its schemas are inspected, Then none is a bare {nullable: true} and every 2XX JSON response has a typed schema', () => {
    for (const [name, op] of operations(document)) {
      for (const [status, response] of Object.entries(op.responses)) {
        for (const [pointer, schema] of schemas(response.content, `${name} ${status}`)) {
          if (schema.nullable === true) expect(schema.type, pointer).toBeDefined();
        }
        const json = response.content?.['application/json']?.schema;
        if (status.startsWith('2') && json) expect(json.type ?? json.$ref, `${name} ${status}`).toBeDefined();
      }
    }
  });
});
