/**
 * Attacks from the security review (issue 10, items 9, 10 and 15): text no database can store,
 * a batch that fails half-way, and values of the wrong type or absurd size. Each is refused with
 * a 400 in the envelope before anything is written, on SQLite and PostgreSQL.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_ADMIN, AS_MANAGER, DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';
import { activeCampaign, as, deposit, depositMatch, newTenant, type Caller } from '../campaigns/helpers.js';

const TREES = '/api/v1/management/decision-trees';
const RULES = '/api/v1/management/promotion-rules';

const tree = (name: string, parameters: Record<string, unknown>) => ({
  name,
  status: 'DRAFT',
  rootNode: {
    nodeId: 'root',
    nodeType: 'CONDITION',
    configuration: { commandType: 'SPEL_CONDITION', expression: "#{accountType == 'VIP'}" },
    children: [
      {
        nodeId: 'offer',
        nodeType: 'CALCULATION',
        configuration: { commandType: 'CALCULATION', strategyType: 'FIXED_AMOUNT', parameters: { promotionName: 'x', ...parameters } },
      },
    ],
  },
});

describe(`input validation attacks (${DB_KIND})`, () => {
  let t: TestApp;
  let call: Caller;
  beforeAll(async () => {
    t = await startTestApp();
    call = as(t, (await newTenant(t, 'attack')).key);
  });
  afterAll(async () => t.destroy());

  const inject = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = AS_ADMIN) =>
    t.app.inject({
      method,
      url,
      headers: { ...headers, 'content-type': 'application/json' },
      ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
    });

  const expect400 = (res: { statusCode: number; json: () => { success: boolean; errorCode: string; errors?: { field: string }[] } }, field?: string) => {
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({ success: false, errorCode: 'INVALID_REQUEST' });
    if (field) expect(body.errors?.map((e) => e.field)).toContain(field);
  };

  describe('item 9: NUL characters and lone surrogates', () => {
    it('Given a customerId "a\\u0000b", When an anonymous client evaluates, Then 400 naming the field (not a 500/503 from PostgreSQL) and nothing is recorded', async () => {
      // The raw JSON text carries the escape, as an attacker's client would send it.
      const res = await inject('POST', '/api/v1/promotions/evaluate', '{"customerId":"a\\u0000b","accountType":"VIP"}', {});
      expect400(res, 'customerId');
      const history = await inject('GET', '/api/v1/promotions/history?customerId=a', undefined, AS_MANAGER);
      expect(history.statusCode).toBe(200);
    });

    it('Given a lone surrogate "\\ud800" in a tree name, When a MANAGER creates the tree, Then 400 and the tree does not exist', async () => {
      const before = (await inject('GET', TREES, undefined, AS_MANAGER)).json().data.totalElements as number;
      const res = await inject('POST', TREES, JSON.stringify(tree('x', { discountAmount: 1 })).replace('"name":"x"', '"name":"bad\\ud800"'));
      expect400(res, 'name');
      expect((await inject('GET', TREES, undefined, AS_MANAGER)).json().data.totalElements).toBe(before);
    });

    it('Given a NUL inside an object key deep in the body, When sent to any route, Then 400', async () => {
      const res = await inject('POST', '/api/v1/promotions/evaluate', '{"customerId":"c1","transactionHistory":[{"k\\u0000":1}]}', {});
      expect400(res);
    });

    it('Given a NUL in a query string or a path parameter, When requested, Then 400 (not a database error)', async () => {
      expect400(await inject('GET', '/api/v1/promotions/history?customerId=a%00b', undefined, AS_MANAGER), 'customerId');
      expect400(await inject('GET', `${TREES}/tree%00x`, undefined, AS_MANAGER), 'treeId');
      // Percent-encoded UTF-8 of a surrogate is not valid UTF-8: it decodes to U+FFFD, which is storable.
      expect((await inject('GET', '/api/v1/promotions/history?customerId=%ED%A0%80x', undefined, AS_MANAGER)).statusCode).toBe(200);
    });

    it('Given a NUL in an event of a batch, When a tenant posts it, Then 400 and no event of the batch is stored', async () => {
      const good = deposit('nul-player', 20);
      const text = JSON.stringify({ events: [good, { ...deposit('nul-player', 20), playerId: 'p\u0000' }] });
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: { 'x-api-key': (await newTenant(t, 'attack-nul')).key, 'content-type': 'application/json' },
        payload: text,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toBe('events[1].playerId');
      expect((await call('GET', `/api/v1/events/${good.eventId}`)).status).toBe(404);
    });

    it('Given a NUL in a header value (User-Agent is stored in request_logs), When sent over a real socket, Then the HTTP parser answers 400 before any route', async () => {
      const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = new URL(address);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () =>
          socket.write(
            'POST /api/v1/promotions/evaluate HTTP/1.1\r\nHost: x\r\nUser-Agent: a\u0000b\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
          ),
        );
        let out = '';
        socket.on('data', (d) => (out += d.toString()));
        socket.on('end', () => resolve(out));
        socket.on('error', reject);
      });
      expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    });

    it('Given a body nested deeper than 10,000 levels with a NUL at the bottom, When sent, Then 400 (the guard does not give up on depth)', async () => {
      const deep = `${'{"a":'.repeat(10_050)}"x\\u0000"${'}'.repeat(10_050)}`;
      const res = await inject('POST', '/api/v1/promotions/evaluate', `{"customerId":"deep","d":${deep}}`, { 'accept-language': 'en' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ errorCode: 'INVALID_REQUEST', errors: [{ code: 'INVALID_TEXT' }] });
      expect(res.json().message).toMatch(/nested deeper than 10000 levels/);
    });

    it('Given well-formed text with emoji (a surrogate pair) and CJK, When evaluated, Then it is accepted', async () => {
      const res = await inject('POST', '/api/v1/promotions/evaluate?dryRun=true', { customerId: 'c-😀-客戶', accountType: 'VIP' }, {});
      expect(res.statusCode).toBe(200);
    });
  });

  describe('item 10: a batch is validated before anything is written', () => {
    it('Given a batch [good, amount 1e300, good], When posted, Then 400 for the whole batch and neither good event is stored or rewarded', async () => {
      const type = 'user.deposit_batch10';
      await activeCampaign(call, depositMatch({ eventTypes: [type] }));
      const first = { ...deposit('batch-10', 20), type };
      const third = { ...deposit('batch-10', 20), type };
      const res = await call('POST', '/api/v1/events', { events: [first, { ...deposit('batch-10', 1e300), type }, third] });
      expect(res.status).toBe(400);
      expect(res.body.errors?.map((e) => e.field)).toContain('events[1].data.amount');
      expect((await call('GET', `/api/v1/events/${first.eventId}`)).status).toBe(404);
      expect((await call('GET', `/api/v1/events/${third.eventId}`)).status).toBe(404);
      const rewards = await call<{ totalElements: number }>('GET', '/api/v1/players/batch-10/rewards');
      expect(rewards.status === 404 || rewards.body.data.totalElements === 0).toBe(true);
    });

    it('Given a formula that turns a valid deposit into an absurd reward, When ingested, Then that event alone is RULE_ERROR and the others of the batch are answered and stored as answered', async () => {
      const type = 'user.deposit_huge_formula';
      await activeCampaign(
        call,
        depositMatch({ eventTypes: [type], rewardFormula: { language: 'jsonlogic', rule: { '*': [{ var: 'event.amount' }, 1e300] } } }),
      );
      const small = await activeCampaign(call, depositMatch({ eventTypes: ['user.deposit_small_formula'], rewardFormula: { rule: 1 } }));
      const huge = { ...deposit('formula-10', 20), type };
      const fine = { ...deposit('formula-10', 20), type: 'user.deposit_small_formula' };
      const res = await call<{ results: { eventId: string; outcome: string; campaigns: { campaignId: string; outcome: string; detail?: string }[] }[] }>(
        'POST',
        '/api/v1/events',
        { events: [huge, fine] },
      );
      expect(res.status).toBe(200);
      expect(res.body.data.results.map((r) => r.outcome)).toEqual(['RULE_ERROR', 'REWARDED']);
      expect(res.body.data.results[1]?.campaigns[0]?.campaignId).toBe(small);
      const stored = await call<{ outcome: string }>('GET', `/api/v1/events/${huge.eventId}`);
      expect(stored.body.data.outcome).toBe('RULE_ERROR');
    });
  });

  describe('item 15: strict types and upper bounds', () => {
    it('Given event amount [5], When posted, Then 400 (not unwrapped to 5 and rewarded)', async () => {
      const type = 'user.deposit_array_amount';
      await activeCampaign(call, depositMatch({ eventTypes: [type] }));
      const ev = { ...deposit('arr-15', 20), type, data: { amount: [50], currency: 'USD' } };
      const res = await call('POST', '/api/v1/events', { events: [ev] });
      expect(res.status).toBe(400);
      expect(res.body.errors?.map((e) => e.field)).toContain('events[0].data.amount');
      expect((await call('GET', `/api/v1/events/${ev.eventId}`)).status).toBe(404);
    });

    it('Given customerId as an array or a number, When evaluated, Then 400 naming customerId', async () => {
      expect400(await inject('POST', '/api/v1/promotions/evaluate?dryRun=true', { customerId: ['CUST001'] }, {}), 'customerId');
      expect400(await inject('POST', '/api/v1/promotions/evaluate?dryRun=true', { customerId: 12345 }, {}), 'customerId');
    });

    it('Given eventTypes [["user.deposit"]], When a campaign is created, Then 400', async () => {
      const res = await call('POST', '/api/v1/campaigns', depositMatch({ eventTypes: [['user.deposit']] }));
      expect(res.status).toBe(400);
      expect(res.body.errors?.map((e) => e.field)).toContain('eventTypes[0]');
    });

    it('Given discountAmount 1e308 or validDays 1e12 in a tree, When created, Then 400 naming the parameter (no "0NaN-NaN-NaN" validUntil)', async () => {
      const amount = await inject('POST', TREES, tree('huge amount', { discountAmount: 1e308 }));
      expect(amount.statusCode).toBe(400);
      expect(JSON.stringify(amount.json().errors)).toContain('discountAmount');
      const days = await inject('POST', TREES, tree('huge days', { discountAmount: 1, validDays: 1e12 }));
      expect(days.statusCode).toBe(400);
      expect(JSON.stringify(days.json().errors)).toContain('validDays');
    });

    it('Given discountAmount 1e308 or validDays 1e12 in a promotion rule, When created, Then 400 naming the parameter', async () => {
      const rule = (parameters: Record<string, unknown>) => ({ name: `r-${Math.random()}`, ruleType: 'SPEL', ruleContent: '#{creditScore > 600}', parameters });
      expect400(await inject('POST', RULES, rule({ discountAmount: 1e308 })), 'parameters.discountAmount');
      expect400(await inject('POST', RULES, rule({ validDays: 1e12 })), 'parameters.validDays');
      expect((await inject('POST', RULES, rule({ discountAmount: 1000, validDays: 30 }))).statusCode).toBe(201);
    });

    it('Given a query string, When page and size are text, Then they are still coerced to integers', async () => {
      const res = await inject('GET', `${TREES}?page=0&size=2`, undefined, AS_MANAGER);
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toMatchObject({ page: 0, size: 2 });
    });
  });
});
