import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

export type CreditGrade = 'A' | 'B' | 'C' | 'D' | 'E';

export interface CreditReport {
  readonly customerId: string;
  readonly score: number;
  readonly grade: CreditGrade;
  readonly delinquencies: number;
  readonly checkedAt: string;
}

export type CreditFixture = Partial<Pick<CreditReport, 'score' | 'grade' | 'delinquencies'>>;

export function gradeOf(score: number): CreditGrade {
  if (score >= 750) return 'A';
  if (score >= 700) return 'B';
  if (score >= 650) return 'C';
  if (score >= 600) return 'D';
  return 'E';
}

/** The same customer always gets the same report (score 300–850), unless a fixture says otherwise. */
export function creditReport(customerId: string, fixture: CreditFixture | undefined, now: Date): CreditReport {
  const digest = createHash('sha256').update(customerId).digest();
  const hashed = 300 + (digest.readUInt32BE(0) % 551);
  const score = fixture?.score ?? hashed;
  const delinquencies = fixture?.delinquencies ?? (score >= 700 ? 0 : (digest[4] ?? 0) % (score < 600 ? 6 : 3));
  return { customerId, score, grade: fixture?.grade ?? gradeOf(score), delinquencies, checkedAt: now.toISOString() };
}

export const CustomerIdSchema = Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\s/?#]+$' });

export interface CreditBureauOptions {
  readonly fixtures: ReadonlyMap<string, CreditFixture>;
  readonly now: () => Date;
}

export const creditBureauRoutes: FastifyPluginAsyncTypebox<CreditBureauOptions> = async (app, opts) => {
  app.get(
    '/credit-bureau/score/:customerId',
    { config: { service: 'credit-bureau' }, schema: { params: Type.Object({ customerId: CustomerIdSchema }) } },
    async (request) => creditReport(request.params.customerId, opts.fixtures.get(request.params.customerId), opts.now()),
  );
};
