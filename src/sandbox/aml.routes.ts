import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CustomerIdSchema } from './credit-bureau.routes.js';

export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH';

export interface AmlResult {
  readonly customerId: string;
  readonly hit: boolean;
  readonly riskLevel: RiskLevel;
  readonly lists: readonly string[];
  readonly screenedAt: string;
}

export interface AmlOptions {
  /** Customer ids on the sanctions list (default: `CUST-AML-001`). */
  readonly hitList: ReadonlySet<string>;
  /** Names (case-insensitive) on the watch list. */
  readonly watchNames: ReadonlySet<string>;
  /** ISO country codes that raise the risk to MEDIUM without a hit. */
  readonly highRiskCountries: ReadonlySet<string>;
  readonly now: () => Date;
}

export const SANCTIONS_LIST = 'BANYAN-SANDBOX-SANCTIONS';
export const WATCH_LIST = 'BANYAN-SANDBOX-PEP';
export const HIGH_RISK_LIST = 'FATF-HIGH-RISK-JURISDICTIONS';

export function screen(body: { customerId: string; name?: string; country?: string }, opts: AmlOptions): AmlResult {
  const lists: string[] = [];
  if (opts.hitList.has(body.customerId)) lists.push(SANCTIONS_LIST);
  if (body.name !== undefined && opts.watchNames.has(body.name.trim().toLowerCase())) lists.push(WATCH_LIST);
  const hit = lists.length > 0;
  const risky = body.country !== undefined && opts.highRiskCountries.has(body.country.toUpperCase());
  if (risky) lists.push(HIGH_RISK_LIST);
  return { customerId: body.customerId, hit, riskLevel: hit ? 'HIGH' : risky ? 'MEDIUM' : 'LOW', lists, screenedAt: opts.now().toISOString() };
}

const ScreenBody = Type.Object(
  {
    customerId: CustomerIdSchema,
    name: Type.Optional(Type.String({ maxLength: 200 })),
    country: Type.Optional(Type.String({ minLength: 2, maxLength: 3 })),
  },
  { additionalProperties: true },
);

export const amlRoutes: FastifyPluginAsyncTypebox<AmlOptions> = async (app, opts) => {
  app.post('/aml/screen', { config: { service: 'aml' }, schema: { body: ScreenBody } }, async (request) => screen(request.body, opts));
};
