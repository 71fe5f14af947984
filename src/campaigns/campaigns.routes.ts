import { Type } from 'typebox';
import { tenantOf } from '../platform/http/auth.js';
import { EnvelopeOf, errorResponses, tenantSecurity } from '../platform/http/schemas.js';
import { ok, type App } from '../platform/http/server.js';
import { StrictQuery } from '../platform/http/filters.js';
import { PageOf, PageQuery } from '../platform/paging.js';
import { CampaignInput, CampaignListQuery, CampaignView, JoinInput, JoinView, TransitionInput } from './campaigns.schema.js';
import type { CampaignsService } from './campaigns.service.js';
import { DraftSimulationInput, SimulationInput, SimulationResult } from './simulate.schema.js';
import { CampaignMergePatch, CampaignReplaceInput, withoutNullLimits } from './editing.js';
import { MERGE_PATCH_TYPE } from '../platform/merge-patch.js';

const BASE = '/api/v1/campaigns';
const TAG = ['活動管理'];
const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const READ = { auth: { tenant: ['campaigns:read'] } };
const WRITE = { auth: { tenant: ['campaigns:write'] } };
const OK = { zh: '查詢成功', en: 'OK' };
const PLAYER_TAG = ['玩家'];
const PlayerParam = Type.Object({ playerId: Type.String({ minLength: 1, maxLength: 100 }) });

export function registerCampaignRoutes(app: App, campaigns: CampaignsService): void {
  app.get(
    BASE,
    {
      config: READ,
      schema: {
        tags: TAG,
        summary: 'List campaigns',
        security: tenantSecurity,
        querystring: StrictQuery({ ...CampaignListQuery.properties, ...PageQuery }),
        response: { 200: EnvelopeOf(PageOf(CampaignView)), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { page, size, name, q, ...rest } = request.query;
      const text = name ?? q;
      const filters = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== '')) as Omit<typeof rest, never>;
      return ok(request, await campaigns.list(tenantOf(request).tenantId, { ...filters, ...(text ? { q: text } : {}), page, size }), OK);
    },
  );

  app.post(
    BASE,
    {
      config: WRITE,
      schema: {
        tags: TAG,
        summary: 'Create a campaign (DRAFT)',
        description:
          'Every rule must compile; otherwise 400 VALIDATION_FAILED whose errors name the rule (`eligibilityRule`) and the JSON path or line:column.',
        security: tenantSecurity,
        body: CampaignInput,
        response: { 201: EnvelopeOf(CampaignView), ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(ok(request, await campaigns.create(tenantOf(request).tenantId, request.body), { zh: '活動建立成功', en: 'Campaign created' })),
  );

  app.post(
    `${BASE}/simulate`,
    {
      config: { auth: { tenant: ['campaigns:read'] } },
      schema: {
        tags: TAG,
        summary: 'Try an unsaved campaign: run events against it without writing anything',
        description:
          'The campaign body is validated as on create (rules compile and read known variables). Each event gets each rule’s result, the formula’s amount and the limit outcome.',
        security: tenantSecurity,
        body: DraftSimulationInput,
        response: { 200: EnvelopeOf(SimulationResult), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { campaign, ...simulation } = request.body;
      return ok(request, campaigns.simulateDraft(campaign, simulation), { zh: '模擬完成（未寫入任何資料）', en: 'Simulated (nothing was written)' });
    },
  );

  app.post(
    `${BASE}/:id/simulate`,
    {
      config: { auth: { tenant: ['campaigns:read'] } },
      schema: {
        tags: TAG,
        summary: 'Try a campaign (any status): run events against it without writing anything',
        description:
          'For each event: visibility/participation/eligibility results, the formula’s amount (rounded), the limit outcome given the player state, and the outcome the event pipeline would give. No event, reward, player or counter is written.',
        security: tenantSecurity,
        params: IdParam,
        body: SimulationInput,
        response: { 200: EnvelopeOf(SimulationResult), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      ok(request, await campaigns.simulate(tenantOf(request).tenantId, request.params.id, request.body), {
        zh: '模擬完成（未寫入任何資料）',
        en: 'Simulated (nothing was written)',
      }),
  );

  app.get(
    `${BASE}/:id`,
    {
      config: READ,
      schema: {
        tags: TAG,
        summary: 'Get a campaign',
        security: tenantSecurity,
        params: IdParam,
        response: { 200: EnvelopeOf(CampaignView), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ok(request, await campaigns.get(tenantOf(request).tenantId, request.params.id), OK),
  );

  app.put(
    `${BASE}/:id`,
    {
      config: WRITE,
      // A body read with GET shows unset limits as null; as input they are absent.
      preValidation: async (request) => {
        request.body = withoutNullLimits(request.body) as typeof request.body;
      },
      schema: {
        tags: TAG,
        summary: 'Replace a campaign’s definition (DRAFT, SCHEDULED or PAUSED)',
        description:
          'The body may be the campaign as GET returns it: read-only fields (id, status, effectiveStatus, templateId, createdAt, updatedAt) are ignored.',
        security: tenantSecurity,
        params: IdParam,
        body: CampaignReplaceInput,
        response: { 200: EnvelopeOf(CampaignView), ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      ok(request, await campaigns.update(tenantOf(request).tenantId, request.params.id, request.body), { zh: '活動已更新', en: 'Campaign updated' }),
  );

  // RFC 7396's media type, parsed like JSON (application/json is accepted on PATCH too).
  if (!app.hasContentTypeParser(MERGE_PATCH_TYPE))
    app.addContentTypeParser(MERGE_PATCH_TYPE, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.patch(
    `${BASE}/:id`,
    {
      config: WRITE,
      schema: {
        tags: TAG,
        summary: 'Change some fields of a campaign (JSON Merge Patch, RFC 7396; DRAFT, SCHEDULED or PAUSED)',
        description:
          'Content type application/merge-patch+json (application/json also accepted). Members replace, null removes, nested objects (limits) merge, arrays replace; read-only fields are ignored. The result is validated as a whole.',
        security: tenantSecurity,
        params: IdParam,
        body: CampaignMergePatch,
        response: { 200: EnvelopeOf(CampaignView), ...errorResponses(400, 401, 403, 404, 415, 422) },
      },
    },
    async (request) =>
      ok(request, await campaigns.patch(tenantOf(request).tenantId, request.params.id, request.body, request.locale), {
        zh: '活動已更新',
        en: 'Campaign updated',
      }),
  );

  app.delete(
    `${BASE}/:id`,
    {
      config: WRITE,
      schema: {
        tags: TAG,
        summary: 'Delete a DRAFT campaign',
        security: tenantSecurity,
        params: IdParam,
        response: { 200: EnvelopeOf(Type.Object({ id: Type.String(), deleted: Type.Boolean() })), ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      await campaigns.remove(tenantOf(request).tenantId, request.params.id);
      return ok(request, { id: request.params.id, deleted: true }, { zh: '活動已刪除', en: 'Campaign deleted' });
    },
  );

  app.post(
    `${BASE}/:id/transitions`,
    {
      config: WRITE,
      schema: {
        tags: TAG,
        summary: 'Change lifecycle status: DRAFT → SCHEDULED → ACTIVE ⇄ PAUSED → ENDED',
        description: 'Invalid transitions and activating a campaign whose rules do not compile give 422 BUSINESS_RULE_VIOLATION.',
        security: tenantSecurity,
        params: IdParam,
        body: TransitionInput,
        response: { 200: EnvelopeOf(CampaignView), ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      ok(request, await campaigns.transition(tenantOf(request).tenantId, request.params.id, request.body.to), {
        zh: '活動狀態已更新',
        en: 'Campaign status changed',
      }),
  );

  app.post(
    `${BASE}/:id/join`,
    {
      config: { auth: { tenant: ['players:write'] } },
      schema: {
        tags: TAG,
        summary: 'A player joins a campaign (idempotent; participation rule checked; emits promotion.event.join)',
        security: tenantSecurity,
        params: IdParam,
        body: JoinInput,
        response: { 200: EnvelopeOf(JoinView), ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      ok(request, await campaigns.join(tenantOf(request).tenantId, request.params.id, request.body.playerId), { zh: '已參加活動', en: 'Joined' }),
  );

  // A player's view of the campaigns (served here: the campaigns module reads the player, not the reverse).
  app.get(
    '/api/v1/players/:playerId/campaigns',
    {
      config: { auth: { tenant: ['players:read'] } },
      schema: {
        tags: PLAYER_TAG,
        summary: 'Live campaigns this player can see (visibility rule on the player’s attributes)',
        security: tenantSecurity,
        params: PlayerParam,
        querystring: StrictQuery({}),
        response: {
          200: EnvelopeOf(Type.Array(Type.Object({ campaign: CampaignView, joined: Type.Boolean(), requiresJoin: Type.Boolean(), canJoin: Type.Boolean() }))),
          ...errorResponses(401, 403),
        },
      },
    },
    async (request) => ok(request, await campaigns.visibleTo(tenantOf(request).tenantId, request.params.playerId), OK),
  );
}
