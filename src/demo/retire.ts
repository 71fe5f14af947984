import { AppError } from '../platform/errors.js';
import type { SystemEvent } from '../audit/index.js';
import type { Logger } from '../platform/logger.js';
import type { TenantsService } from '../tenants/index.js';
import { DEMO_KEY_ID, DEMO_TENANT_ID } from './campaigns.js';

export interface DemoRetirement {
  readonly tenant: string;
  /** The published demo API key was active and is now revoked. */
  readonly revokedKey: boolean;
  /** The demo tenant was ACTIVE and is now SUSPENDED (which also ends every token and key it has). */
  readonly suspended: boolean;
}

/**
 * Production start on a database that once ran in development: the demo tenant and its published
 * API key (README, startup log) are still there, so anyone could act as that tenant. They are
 * retired, not refused: the key is public, so its only possible users are attackers, and revoking
 * it loses nothing; refusing to start would leave the operator no API to fix it with except
 * starting the same database in development mode, which re-seeds the demo. Idempotent; null when
 * there was nothing to retire (no demo tenant, or already retired).
 */
export async function retireDemoTenant(tenants: TenantsService): Promise<DemoRetirement | null> {
  let status: string;
  try {
    status = (await tenants.get(DEMO_TENANT_ID)).status;
  } catch (error) {
    if (error instanceof AppError && error.code === 'RESOURCE_NOT_FOUND') return null;
    throw error;
  }
  const key = (await tenants.listApiKeys(DEMO_TENANT_ID)).find((k) => k.id === DEMO_KEY_ID);
  const revokedKey = key !== undefined && !key.revoked;
  if (revokedKey) await tenants.revokeApiKey(DEMO_TENANT_ID, DEMO_KEY_ID);
  const suspended = status !== 'SUSPENDED';
  if (suspended) await tenants.setStatus(DEMO_TENANT_ID, 'SUSPENDED');
  return revokedKey || suspended ? { tenant: DEMO_TENANT_ID, revokedKey, suspended } : null;
}

/** Production start: retire the demo tenant (above) and, when something was retired, log it and record a SECURITY event. */
export async function retireDemoTenantRecorded(
  tenants: TenantsService,
  deps: { readonly logger: Logger; readonly audit: { emit(event: SystemEvent): Promise<void> } },
): Promise<void> {
  const retired = await retireDemoTenant(tenants);
  if (!retired) return;
  deps.logger.warn(retired, 'production: the demo tenant and its published API key were retired (revoked / suspended)');
  await deps.audit.emit({
    type: 'SECURITY',
    category: 'SECURITY',
    severity: 'WARN',
    source: 'demo.retire',
    details: { reason: 'DEMO_TENANT_RETIRED', ...retired },
  });
}
