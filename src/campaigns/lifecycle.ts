import { dbTimeMs } from '../platform/time.js';
import type { CampaignStatus } from './campaigns.schema.js';

/**
 * DRAFT → SCHEDULED → ACTIVE ⇄ PAUSED → ENDED. SCHEDULED is "active inside its window": the
 * window is evaluated at read time, so no cron has to flip it. ENDED is final.
 */
export const TRANSITIONS: Readonly<Record<CampaignStatus, readonly CampaignStatus[]>> = {
  DRAFT: ['SCHEDULED', 'ACTIVE'],
  SCHEDULED: ['DRAFT', 'ACTIVE', 'PAUSED', 'ENDED'],
  ACTIVE: ['PAUSED', 'ENDED'],
  PAUSED: ['ACTIVE', 'ENDED'],
  ENDED: [],
};

/** Statuses whose definition may still change (an ACTIVE campaign must be paused first). */
export const EDITABLE: readonly CampaignStatus[] = ['DRAFT', 'SCHEDULED', 'PAUSED'];

/** The status as a player would experience it at `now`. */
export function effectiveStatus(c: { status: CampaignStatus; startsAt: string | null; endsAt: string | null }, now: Date): CampaignStatus {
  if (c.status === 'ENDED' || c.status === 'DRAFT' || c.status === 'PAUSED') return c.status;
  const t = now.getTime();
  if (c.endsAt !== null && t >= dbTimeMs(c.endsAt)) return 'ENDED';
  if (c.startsAt !== null && t < dbTimeMs(c.startsAt)) return 'SCHEDULED';
  return c.status === 'SCHEDULED' && c.startsAt === null ? 'SCHEDULED' : 'ACTIVE';
}

export { dbTimeMs };
