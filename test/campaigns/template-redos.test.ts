/**
 * Issue 10, item 2: a tenant template with `{"pattern": "^(a+)+$"}` and a 31-character parameter
 * blocked the event loop for 5 s, for every tenant. Tenant schemas now run every regex in linear
 * time (RE2), and a regex RE2 cannot run is refused when the template is written, naming where.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { as, depositMatch, newTenant, type Caller } from './helpers.js';

const EVIL = 'a'.repeat(31) + '!';
const campaign = depositMatch();

describe('tenant JSON Schemas cannot freeze the event loop (ReDoS)', () => {
  let app: TestApp;
  let call: Caller;
  beforeAll(async () => {
    app = await startTestApp();
    call = as(app, (await newTenant(app, 'redos')).key);
  });
  afterAll(async () => app.destroy());

  const instantiate = async (templateId: string, parameters: Record<string, unknown>) => {
    const started = performance.now();
    const res = await call('POST', '/api/v1/campaigns/from-template', { templateId, parameters });
    return { res, ms: performance.now() - started };
  };

  it('Given a template with pattern ^(a+)+$, When a 32-character near-match is sent, Then it is refused at once (400), not after seconds', async () => {
    const schema = { type: 'object', required: ['code'], properties: { code: { type: 'string', pattern: '^(a+)+$' } } };
    expect((await call('POST', '/api/v1/templates', { id: 'nested-quantifier', name: 'x', parametersSchema: schema, campaign })).status).toBe(201);
    const { res, ms } = await instantiate('nested-quantifier', { code: EVIL });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.field)).toEqual(['parameters.code']);
    // Backtracking needed ~2^31 steps (5 s at 31 characters); RE2 is linear.
    expect(ms).toBeLessThan(1000);
    expect((await instantiate('nested-quantifier', { code: 'aaaa' })).res.status).toBe(201);
  });

  it('Given patternProperties with a nested quantifier, When a long key is sent, Then it is answered at once', async () => {
    const schema = { type: 'object', properties: { code: { type: 'number' } }, patternProperties: { '^(x+x+)+y$': { type: 'number' } } };
    expect((await call('POST', '/api/v1/templates', { id: 'nested-keys', name: 'x', parametersSchema: schema, campaign })).status).toBe(201);
    const { ms } = await instantiate('nested-keys', { code: 1, ['x'.repeat(40)]: 'not a number' });
    expect(ms).toBeLessThan(1000);
  });

  it('Given a pattern RE2 cannot run (lookahead, backreference), When the template is written, Then 400 naming the schema path', async () => {
    const schema = { type: 'object', properties: { code: { type: 'string', pattern: '^(?=a)(a)\\1$' } }, patternProperties: { '(?!x)y': { type: 'string' } } };
    const res = await call('POST', '/api/v1/templates', { id: 'lookaround', name: 'x', parametersSchema: schema, campaign });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.field)).toEqual(['parametersSchema.properties.code.pattern', 'parametersSchema.patternProperties["(?!x)y"]']);
  });

  it('Given a format (email) on a huge near-match, When validated, Then it fails fast and is bounded in length', async () => {
    const schema = {
      type: 'object',
      properties: { code: { type: 'number' }, mail: { type: 'string', format: 'email' }, host: { type: 'string', format: 'hostname' } },
    };
    expect((await call('POST', '/api/v1/templates', { id: 'formats', name: 'x', parametersSchema: schema, campaign })).status).toBe(201);
    const { res, ms } = await instantiate('formats', { code: 1, mail: `${'a'.repeat(50_000)}@${'b'.repeat(50_000)}`, host: 'a-'.repeat(40_000) });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.field).sort()).toEqual(['parameters.host', 'parameters.mail']);
    expect(ms).toBeLessThan(1000);
    const good = await instantiate('formats', { code: 1, mail: 'ann@example.com', host: 'example.com' });
    expect(good.res.status).toBe(201);
  });
});
