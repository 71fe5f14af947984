import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_ADMIN, AS_AUDITOR, AS_MANAGER, DB_KIND, startTestApp, type TestApp } from '../helpers/app.js';

const TREES = '/api/v1/management/decision-trees';
const RULES = '/api/v1/management/promotion-rules';

const fixedLeaf = (parameters: Record<string, unknown>) => ({
  nodeId: 'offer',
  nodeType: 'CALCULATION',
  configuration: { commandType: 'CALCULATION', strategyType: 'FIXED_AMOUNT', parameters: { promotionName: '測試優惠', ...parameters } },
});

const simpleTree = (name: string, expression = "#{accountType == 'VIP'}") => ({
  name,
  description: 'test tree',
  status: 'ACTIVE',
  rootNode: {
    nodeId: 'root',
    nodeType: 'CONDITION',
    configuration: { commandType: 'SPEL_CONDITION', expression },
    children: [fixedLeaf({ discountAmount: 100 })],
  },
});

describe(`management API on ${DB_KIND}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.destroy();
  });
  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, headers?: Record<string, string>, payload?: unknown) =>
    t.app.inject({ method, url, ...(headers ? { headers } : {}), ...(payload === undefined ? {} : { payload: payload as object }) });

  describe('decision trees', () => {
    it('Given the demo data, When a MANAGER lists trees (document: curl -u manager:manager123), Then the demo trees are listed in a page, highest priority first; the three document trees are the ACTIVE ones', async () => {
      const all = await call('GET', TREES, AS_MANAGER);
      expect(all.statusCode).toBe(200);
      expect(all.json().data).toMatchObject({ page: 0, size: 20 });
      expect(all.json().data.totalElements).toBeGreaterThan(3); // plus the (inactive) factor catalogue
      const res = await call('GET', `${TREES}?status=ACTIVE`, AS_MANAGER);
      const page = res.json().data;
      expect(page).toMatchObject({ page: 0, size: 20, totalElements: 3, totalPages: 1 });
      expect(page.content.map((tr: { id: string }) => tr.id)).toEqual(['promotion-decision-tree', 'vip-customer-tree', 'new-customer-tree']);
      expect(page.content[0]).not.toHaveProperty('rootNode');
    });

    it('Given trees in several states, When filtered by status with page/size, Then only matching trees come back, paginated', async () => {
      await call('POST', TREES, AS_ADMIN, { ...simpleTree('draft one'), status: 'DRAFT' });
      const drafts = await call('GET', `${TREES}?status=DRAFT`, AS_MANAGER);
      expect(drafts.json().data.content.every((tr: { status: string }) => tr.status === 'DRAFT')).toBe(true);
      expect(drafts.json().data.totalElements).toBeGreaterThanOrEqual(1);
      const paged = await call('GET', `${TREES}?page=1&size=2`, AS_MANAGER);
      expect(paged.json().data).toMatchObject({ page: 1, size: 2 });
      expect(paged.json().data.content).toHaveLength(2);
      const bad = await call('GET', `${TREES}?status=BROKEN`, AS_MANAGER);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errorCode).toBe('INVALID_REQUEST');
    });

    it('Given a valid tree, When a MANAGER creates it, Then 201 with id, version 1 and the nested rootNode; GET returns it', async () => {
      const res = await call('POST', TREES, AS_MANAGER, simpleTree('新樹'));
      expect(res.statusCode).toBe(201);
      const tree = res.json().data;
      expect(tree).toMatchObject({ name: '新樹', status: 'ACTIVE', version: 1, createdBy: 'manager' });
      expect(tree.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(tree.rootNode.children[0].nodeId).toBe('offer');
      const get = await call('GET', `${TREES}/${tree.id}`, AS_MANAGER);
      expect(get.statusCode).toBe(200);
      expect(get.json().data.rootNode).toEqual(tree.rootNode);
      // The normalised node rows exist too (decision_nodes), linked to the tree and its version.
      const nodes = await t.database.db.selectFrom('decision_nodes').select(['node_key', 'node_type', 'parent_id']).where('tree_id', '=', tree.id).execute();
      expect(nodes.map((n) => n.node_key).sort()).toEqual(['offer', 'root']);
      expect(nodes.find((n) => n.node_key === 'root')?.parent_id).toBeNull();
    });

    it('Given a SpEL expression that does not compile, When the tree is created, Then 400 VALIDATION_FAILED names the node and the position, and nothing is stored', async () => {
      const before = (await call('GET', TREES, AS_MANAGER)).json().data.totalElements;
      const tree = simpleTree('broken', "#{accountType == 'VIP' and}");
      tree.rootNode.nodeId = 'vip-check';
      const res = await call('POST', TREES, AS_MANAGER, tree);
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.errorCode).toBe('VALIDATION_FAILED');
      expect(body.message).toContain('vip-check');
      expect(body.errors[0]).toMatchObject({ nodeId: 'vip-check', position: { line: 1 } });
      expect(body.errors[0].position.column).toBeGreaterThan(1);
      expect((await call('GET', TREES, AS_MANAGER)).json().data.totalElements).toBe(before);
    });

    it('Given a percentage outside 0–100, When the tree is created, Then the field is named in the error', async () => {
      const tree = simpleTree('bad pct');
      const res = await call('POST', TREES, AS_MANAGER, {
        ...tree,
        rootNode: {
          ...tree.rootNode,
          children: [
            {
              nodeId: 'pct',
              nodeType: 'CALCULATION',
              configuration: { commandType: 'CALCULATION', strategyType: 'PERCENTAGE_DISCOUNT', parameters: { promotionName: 'x', discountPercentage: 150 } },
            },
          ],
        },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ nodeId: 'pct', field: expect.stringContaining('discountPercentage') });
    });

    it('Given malformed tree bodies, When posted, Then 400 INVALID_REQUEST (missing name, bad nodeType, unknown field)', async () => {
      for (const body of [
        { rootNode: simpleTree('x').rootNode },
        { name: 'x', rootNode: { nodeType: 'LOOP', configuration: { commandType: 'X' } } },
        { ...simpleTree('x'), surprise: 1 },
      ]) {
        const res = await call('POST', TREES, AS_MANAGER, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().success).toBe(false);
      }
    });

    it('Given an existing treeId, When a tree with the same id is created, Then 409 DUPLICATE_RESOURCE', async () => {
      const res = await call('POST', TREES, AS_MANAGER, { ...simpleTree('dup'), treeId: 'vip-customer-tree' });
      expect(res.statusCode).toBe(409);
      expect(res.json().errorCode).toBe('DUPLICATE_RESOURCE');
    });

    it('Given a tree, When it is updated, Then a new version is created and the previous version is kept', async () => {
      const created = (await call('POST', TREES, AS_MANAGER, simpleTree('versioned'))).json().data;
      const res = await call('PUT', `${TREES}/${created.id}`, AS_MANAGER, simpleTree('versioned v2', "#{accountType == '白金'}"));
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toMatchObject({ version: 2, name: 'versioned v2' });
      expect(res.json().message).toContain('2');
      const v1 = await t.modules.get('trees').service.definition(created.id, 1);
      expect(v1?.rootNode.configuration.expression).toBe("#{accountType == 'VIP'}");
      const missing = await call('PUT', `${TREES}/nope`, AS_MANAGER, simpleTree('x'));
      expect(missing.statusCode).toBe(404);
      const renamed = await call('PUT', `${TREES}/${created.id}`, AS_MANAGER, { ...simpleTree('x'), treeId: 'other' });
      expect(renamed.statusCode).toBe(422);
      expect(renamed.json().errorCode).toBe('BUSINESS_RULE_VIOLATION');
    });

    it('Given a tree, When a MANAGER deletes it, Then 403; When an ADMIN deletes it, Then it is soft-deleted (404 afterwards, row kept)', async () => {
      const created = (await call('POST', TREES, AS_MANAGER, simpleTree('to delete'))).json().data;
      const forbidden = await call('DELETE', `${TREES}/${created.id}`, AS_MANAGER);
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json()).toMatchObject({ success: false, errorCode: 'FORBIDDEN' });
      const deleted = await call('DELETE', `${TREES}/${created.id}`, AS_ADMIN);
      expect(deleted.statusCode).toBe(200);
      expect((await call('GET', `${TREES}/${created.id}`, AS_MANAGER)).statusCode).toBe(404);
      const row = await t.database.db.selectFrom('decision_trees').select(['status', 'deleted_at']).where('id', '=', created.id).executeTakeFirstOrThrow();
      expect(row.status).toBe('INACTIVE');
      expect(row.deleted_at).not.toBeNull();
      expect((await call('DELETE', `${TREES}/${created.id}`, AS_ADMIN)).statusCode).toBe(404);
    });

    it('Given the roles of the document, When an AUDITOR or an anonymous caller uses the management API, Then 403 / 401 with WWW-Authenticate', async () => {
      const auditor = await call('GET', TREES, AS_AUDITOR);
      expect(auditor.statusCode).toBe(403);
      const anonymous = await call('GET', TREES);
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm=/);
      expect(anonymous.json()).toMatchObject({ success: false, errorCode: 'UNAUTHORIZED' });
      const wrong = await call('GET', TREES, { authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` });
      expect(wrong.statusCode).toBe(401);
      const garbage = await call('GET', TREES, { authorization: 'Basic !!!' });
      expect(garbage.statusCode).toBe(401);
    });
  });

  describe('promotion rules', () => {
    it('Given the document’s curl example, When an ADMIN creates 新戶開戶優惠, Then 201 and the rule is listed and retrievable', async () => {
      const res = await call('POST', RULES, AS_ADMIN, {
        name: '新戶開戶優惠',
        ruleType: 'SPEL',
        ruleContent: '#{creditScore > 600 and accountType == "一般"}',
        parameters: { discountAmount: 1000, validDays: 30 },
        status: 'ACTIVE',
      });
      expect(res.statusCode).toBe(201);
      const rule = res.json().data;
      expect(rule).toMatchObject({ name: '新戶開戶優惠', ruleType: 'SPEL', status: 'ACTIVE', parameters: { discountAmount: 1000, validDays: 30 } });
      const get = await call('GET', `${RULES}/${rule.id}`, AS_MANAGER);
      expect(get.json().data.ruleContent).toBe('#{creditScore > 600 and accountType == "一般"}');
      const list = await call('GET', `${RULES}?ruleType=SPEL&status=ACTIVE&page=0&size=50`, AS_MANAGER);
      expect(list.json().data.content.map((r: { name: string }) => r.name)).toContain('新戶開戶優惠');
    });

    it('Given rule types, When filtered by ruleType, Then only that type is listed', async () => {
      const hard = await call('GET', `${RULES}?ruleType=HARDCODED`, AS_MANAGER);
      expect(hard.json().data.content.length).toBeGreaterThan(0);
      expect(hard.json().data.content.every((r: { ruleType: string }) => r.ruleType === 'HARDCODED')).toBe(true);
    });

    it('Given invalid rule content of each type, When created, Then 400 VALIDATION_FAILED with the position', async () => {
      const spel = await call('POST', RULES, AS_MANAGER, { name: 'bad spel', ruleType: 'SPEL', ruleContent: '#{creditScore >>> 1}' });
      expect(spel.statusCode).toBe(400);
      expect(spel.json().errors[0]).toMatchObject({ field: 'ruleContent', position: { line: 1 } });
      const drl = await call('POST', RULES, AS_MANAGER, {
        name: 'bad drl',
        ruleType: 'DROOLS',
        ruleContent: 'rule "x"\nwhen\n  Customer( accountType == )\nthen\nend',
      });
      expect(drl.statusCode).toBe(400);
      expect(drl.json().errors[0].position.line).toBe(3);
      const hard = await call('POST', RULES, AS_MANAGER, { name: 'bad hardcoded', ruleType: 'HARDCODED', ruleContent: 'NO_SUCH_RULE' });
      expect(hard.statusCode).toBe(400);
      const type = await call('POST', RULES, AS_MANAGER, { name: 'bad type', ruleType: 'LUA', ruleContent: 'x' });
      expect(type.statusCode).toBe(400);
      expect(type.json().errorCode).toBe('INVALID_REQUEST');
    });

    it('Given a valid DRL rule, When created, Then it is stored as DROOLS', async () => {
      const res = await call('POST', RULES, AS_MANAGER, {
        name: 'VIP DRL',
        ruleType: 'DROOLS',
        ruleContent: 'rule "vip"\nsalience 10\nwhen\n  Customer( accountType == "VIP", annualIncome >= 2000000 )\nthen\n  result.setEligible(true);\nend',
      });
      expect(res.statusCode).toBe(201);
      expect(res.json().data.ruleType).toBe('DROOLS');
    });

    it('Given a rule name in use, When another rule takes it (create or rename), Then 409 DUPLICATE_RESOURCE', async () => {
      const dup = await call('POST', RULES, AS_MANAGER, { name: 'VIP高收入客戶規則', ruleType: 'HARDCODED', ruleContent: 'NEW_CUSTOMER' });
      expect(dup.statusCode).toBe(409);
      const other = (await call('POST', RULES, AS_MANAGER, { name: 'rename me', ruleType: 'HARDCODED', ruleContent: 'NEW_CUSTOMER' })).json().data;
      const rename = await call('PUT', `${RULES}/${other.id}`, AS_MANAGER, { name: 'VIP高收入客戶規則', ruleType: 'HARDCODED', ruleContent: 'NEW_CUSTOMER' });
      expect(rename.statusCode).toBe(409);
    });

    it('Given a rule, When updated and its status PATCHed, Then the changes are stored; bad status → 400', async () => {
      const rule = (await call('POST', RULES, AS_MANAGER, { name: 'toggle', ruleType: 'SPEL', ruleContent: '#{creditScore >= 700}' })).json().data;
      expect(rule.status).toBe('ACTIVE');
      const put = await call('PUT', `${RULES}/${rule.id}`, AS_MANAGER, {
        name: 'toggle',
        ruleType: 'SPEL',
        ruleContent: '#{creditScore >= 750}',
        description: 'stricter',
      });
      expect(put.json().data).toMatchObject({ ruleContent: '#{creditScore >= 750}', description: 'stricter', status: 'ACTIVE' });
      const patch = await call('PATCH', `${RULES}/${rule.id}/status`, AS_MANAGER, { status: 'INACTIVE' });
      expect(patch.statusCode).toBe(200);
      expect(patch.json().data.status).toBe('INACTIVE');
      const bad = await call('PATCH', `${RULES}/${rule.id}/status`, AS_MANAGER, { status: 'DELETED' });
      expect(bad.statusCode).toBe(400);
      const missing = await call('PATCH', `${RULES}/nope/status`, AS_MANAGER, { status: 'ACTIVE' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().errorCode).toBe('RESOURCE_NOT_FOUND');
    });

    it('Given a rule, When deleted by a MANAGER → 403, by an ADMIN → soft-deleted and gone from the API', async () => {
      const rule = (await call('POST', RULES, AS_MANAGER, { name: 'to delete', ruleType: 'SPEL', ruleContent: '#{true}' })).json().data;
      expect((await call('DELETE', `${RULES}/${rule.id}`, AS_MANAGER)).statusCode).toBe(403);
      expect((await call('DELETE', `${RULES}/${rule.id}`, AS_ADMIN)).statusCode).toBe(200);
      expect((await call('GET', `${RULES}/${rule.id}`, AS_ADMIN)).statusCode).toBe(404);
      const row = await t.database.db.selectFrom('promotion_rules').select('deleted_at').where('id', '=', rule.id).executeTakeFirstOrThrow();
      expect(row.deleted_at).not.toBeNull();
      // The name is free again once the rule is deleted.
      expect((await call('POST', RULES, AS_MANAGER, { name: 'to delete', ruleType: 'SPEL', ruleContent: '#{true}' })).statusCode).toBe(201);
    });

    it('Given the roles, When an AUDITOR reads rules → 403; anonymous → 401', async () => {
      expect((await call('GET', RULES, AS_AUDITOR)).statusCode).toBe(403);
      expect((await call('GET', RULES)).statusCode).toBe(401);
    });
  });

  describe('available offers', () => {
    it('Given the demo trees, When offers are listed for accountType VIP, Then VIP offers are included and 白金/一般 branch offers are excluded by partial evaluation', async () => {
      const res = await call('GET', '/api/v1/promotions/available?accountType=VIP', AS_AUDITOR);
      expect(res.statusCode).toBe(200);
      const ids = (res.json().data as { promotionId: string | null; promotionName: string }[]).map((o) => o.promotionId ?? o.promotionName);
      expect(ids).toEqual(expect.arrayContaining(['promo-vip-001', 'promo-vip-002', 'VIP專屬理財優惠']));
      expect(ids).not.toContain('promo-plat-001');
      expect(ids).not.toContain('promo-reg-001');
      // new-customer-tree's condition reads transactionHistory, which a filter cannot decide: it stays ("may apply").
      expect(ids).toContain('新戶開戶優惠');
    });

    it('Given no filter, When listed, Then every leaf of every active tree is an offer with its path conditions; anonymous → 401', async () => {
      const res = await call('GET', '/api/v1/promotions/available', AS_MANAGER);
      const offers = res.json().data as { nodeId: string; treeId: string; conditions: string[] }[];
      expect(offers.filter((o) => o.treeId === 'promotion-decision-tree')).toHaveLength(6);
      expect(offers.find((o) => o.nodeId === 'calc-plat-high')?.conditions).toEqual([
        "#{customerId != null and customerId != ''}",
        "#{accountType == '白金' or accountType == 'PLATINUM'}",
        '#{creditScore >= 700}',
      ]);
      expect((await call('GET', '/api/v1/promotions/available')).statusCode).toBe(401);
      const inactive = await call('GET', '/api/v1/promotions/available?active=false', AS_MANAGER);
      expect((inactive.json().data as unknown[]).length).toBeGreaterThanOrEqual(offers.length);
    });
  });
});
