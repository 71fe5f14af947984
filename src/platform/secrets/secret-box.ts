/**
 * Secrets Banyan must be able to read back (a tenant's callback signing key: signing needs the
 * key itself, a hash will not do) are stored encrypted: AES-256-GCM with a fresh 96-bit nonce,
 * the row's identity as additional data (a ciphertext copied to another row does not decrypt),
 * and the key's id in front, so several keys can be in use during a rotation:
 *
 *   enc:v1:<keyId>:<base64url(nonce ‖ ciphertext ‖ tag)>
 *
 * The key id is derived from the key (first 8 hex digits of a SHA-256), so rotating needs no
 * bookkeeping: set the new key as BANYAN_SECRET_KEY and the old one as BANYAN_SECRET_KEY_PREVIOUS,
 * start (or run `banyan secrets reencrypt`), then drop the previous key. A stored value without
 * the prefix is a row from before encryption: it is read as is and re-encrypted on start.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class SecretDecryptError extends Error {
  override name = 'SecretDecryptError';
}

export interface SecretKeys {
  /** The key new values are encrypted with (32 bytes). */
  readonly current: Uint8Array;
  /** Older keys still accepted for decryption. */
  readonly previous: readonly Uint8Array[];
}

export interface SecretBox {
  /** Id of the current key, as it appears in stored values. */
  readonly keyId: string;
  /** Encrypt `plain`, bound to `context` (e.g. `tenants.callback_secret:<tenantId>`). */
  encrypt(plain: string, context: string): string;
  /** The plain value of a stored one (encrypted under any known key, or a legacy plain value). */
  decrypt(stored: string, context: string): string;
  /** True when `stored` is already encrypted under the current key (nothing to migrate). */
  isCurrent(stored: string): boolean;
  /** True when `stored` is encrypted at all (not a legacy plain value). */
  isEncrypted(stored: string): boolean;
}

export const keyIdOf = (key: Uint8Array): string => createHash('sha256').update('banyan-secret-key-id:').update(key).digest('hex').slice(0, 8);

export function createSecretBox(keys: SecretKeys): SecretBox {
  for (const key of [keys.current, ...keys.previous]) {
    if (key.length !== 32) throw new Error('secret keys must be 32 bytes (AES-256)');
  }
  const byId = new Map<string, Uint8Array>();
  for (const key of [...keys.previous, keys.current]) byId.set(keyIdOf(key), key);
  const keyId = keyIdOf(keys.current);

  const parse = (stored: string): { id: string; payload: Buffer } | null => {
    if (!stored.startsWith(PREFIX)) return null;
    const rest = stored.slice(PREFIX.length);
    const colon = rest.indexOf(':');
    if (colon < 0) throw new SecretDecryptError('malformed encrypted value');
    return { id: rest.slice(0, colon), payload: Buffer.from(rest.slice(colon + 1), 'base64url') };
  };

  return {
    keyId,
    encrypt(plain, context) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keys.current, nonce);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${keyId}:${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url')}`;
    },
    decrypt(stored, context) {
      const parsed = parse(stored);
      if (!parsed) return stored;
      const key = byId.get(parsed.id);
      if (!key)
        throw new SecretDecryptError(`stored secret is encrypted with key ${parsed.id}, which is neither BANYAN_SECRET_KEY nor BANYAN_SECRET_KEY_PREVIOUS`);
      if (parsed.payload.length < NONCE_BYTES + TAG_BYTES) throw new SecretDecryptError('malformed encrypted value');
      const nonce = parsed.payload.subarray(0, NONCE_BYTES);
      const tag = parsed.payload.subarray(parsed.payload.length - TAG_BYTES);
      const body = parsed.payload.subarray(NONCE_BYTES, parsed.payload.length - TAG_BYTES);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, nonce);
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretDecryptError('stored secret does not decrypt (tampered, or moved from another row)');
      }
    },
    isCurrent(stored) {
      return parse(stored)?.id === keyId;
    },
    isEncrypted(stored) {
      return stored.startsWith(PREFIX);
    },
  };
}

/** Development and test only: a fixed, published key, so a dev database survives restarts. Never secret. */
export const DEVELOPMENT_SECRET_KEY: Uint8Array = createHash('sha256').update('banyan development secret key - not secret').digest();

/** `BANYAN_SECRET_KEY` text: 64 hex digits, or base64/base64url of 32 bytes. Null when it is neither. */
export function parseSecretKey(text: string): Uint8Array | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return bytes.length === 32 ? bytes : null;
  }
  return null;
}
