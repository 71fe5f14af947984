import { AS_ADMIN, type TestApp } from '../helpers/app.js';

export interface Envelope<T = unknown> {
  success: boolean;
  data: T;
  message: string;
  errorCode: string | null;
  errors?: { field: string; message: string; code?: string; path?: string; position?: { line: number; column: number } }[];
}

/** A new tenant with an all-scopes API key. */
export async function newTenant(app: TestApp, id: string, scopes?: string[]): Promise<{ id: string; key: string; keyId: string }> {
  const t = await app.app.inject({ method: 'POST', url: '/api/v1/admin/tenants', headers: AS_ADMIN, payload: { id, name: `Tenant ${id}` } });
  if (t.statusCode !== 201) throw new Error(`tenant: ${t.body}`);
  const k = await app.app.inject({
    method: 'POST',
    url: `/api/v1/admin/tenants/${id}/api-keys`,
    headers: AS_ADMIN,
    payload: { name: 'test', ...(scopes ? { scopes } : {}) },
  });
  if (k.statusCode !== 201) throw new Error(`key: ${k.body}`);
  const data = k.json<Envelope<{ apiKey: string; id: string }>>().data;
  return { id, key: data.apiKey, keyId: data.id };
}

export type Caller = <T = unknown>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH',
  url: string,
  payload?: unknown,
) => Promise<{ status: number; body: Envelope<T> }>;

export function as(app: TestApp, key: string): Caller {
  return async (method, url, payload) => {
    const res = await app.app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.json() };
  };
}

export const depositMatch = (overrides: Record<string, unknown> = {}) => ({
  name: 'Deposit match',
  eventTypes: ['user.deposit'],
  rewardType: 'BONUS',
  currency: 'USD',
  eligibilityRule: { language: 'jsonlogic', rule: { '>=': [{ var: 'event.amount' }, 10] } },
  rewardFormula: { language: 'jsonlogic', rule: { min: [{ '*': [{ var: 'event.amount' }, 0.5] }, 100] } },
  ...overrides,
});

let seq = 0;
export const deposit = (playerId: string, amount: number | string, extra: Record<string, unknown> = {}) => ({
  eventId: `ev-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 8)}`,
  type: 'user.deposit',
  playerId,
  occurredAt: new Date().toISOString(),
  data: { amount, currency: 'USD', ...extra },
});

/** Creates and activates a campaign; returns its id. */
export async function activeCampaign(call: Caller, body: Record<string, unknown>): Promise<string> {
  const created = await call<{ id: string }>('POST', '/api/v1/campaigns', body);
  if (created.status !== 201) throw new Error(`campaign: ${JSON.stringify(created.body)}`);
  const activated = await call('POST', `/api/v1/campaigns/${created.body.data.id}/transitions`, { to: 'ACTIVE' });
  if (activated.status !== 200) throw new Error(`activate: ${JSON.stringify(activated.body)}`);
  return created.body.data.id;
}
