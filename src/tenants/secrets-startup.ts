import type { SystemEvent } from '../audit/index.js';
import type { Logger } from '../platform/logger.js';
import type { TenantsService } from './tenants.service.js';

/**
 * At start: plain rows from before encryption, and rows under a BANYAN_SECRET_KEY_PREVIOUS key,
 * move to the current key. Rows no configured key decrypts are logged and recorded as a SECURITY
 * event; the start goes on (those tenants' callbacks are unsigned until the key is supplied).
 */
export async function reencryptStoredSecrets(
  tenants: TenantsService,
  deps: { readonly logger: Logger; readonly audit: { emit(event: SystemEvent): Promise<void> } },
): Promise<void> {
  const reencryption = await tenants.reencryptSecrets();
  if (reencryption.reencrypted > 0) deps.logger.info({ reencrypted: reencryption.reencrypted }, 'stored secrets re-encrypted with the current key');
  if (reencryption.unreadable.length > 0) {
    deps.logger.error(
      { tenants: reencryption.unreadable },
      'stored callback secrets no configured key decrypts: set the key they were written with as BANYAN_SECRET_KEY_PREVIOUS',
    );
    void deps.audit.emit({
      type: 'SECURITY',
      category: 'SECURITY',
      severity: 'ERROR',
      source: 'platform.secrets',
      details: { unreadableCallbackSecrets: reencryption.unreadable },
    });
  }
}
