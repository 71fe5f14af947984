/**
 * Issue 10 item 17: the callback signing secret was stored in plain text. Now AES-256-GCM under
 * BANYAN_SECRET_KEY, with key ids for rotation, plain legacy rows migrated on start.
 * Storage matters: runs on SQLite, and on PostgreSQL with TEST_DATABASE=postgres.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBanyan, type Banyan } from '../../src/app.js';
import { run as secretsCli } from '../../src/cli/secrets.js';
import { ConfigError, loadConfig } from '../../src/platform/config.js';
import { createSecretBox, DEVELOPMENT_SECRET_KEY, keyIdOf, parseSecretKey, SecretDecryptError } from '../../src/platform/secrets/secret-box.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../helpers/app.js';

const KEY_A = Buffer.alloc(32, 0xa1);
const KEY_B = Buffer.alloc(32, 0xb2);
const KEY_C = Buffer.alloc(32, 0xc3);

describe('secret box (AES-256-GCM with key ids)', () => {
  const box = createSecretBox({ current: KEY_A, previous: [] });

  it('Given a secret, When encrypted twice, Then both differ, carry the key id, and decrypt back; the plain text appears in neither', () => {
    const one = box.encrypt('whsec_plain', 'ctx:t1');
    const two = box.encrypt('whsec_plain', 'ctx:t1');
    expect(one).not.toBe(two);
    expect(one.startsWith(`enc:v1:${keyIdOf(KEY_A)}:`)).toBe(true);
    expect(one).not.toContain('whsec_plain');
    expect(box.decrypt(one, 'ctx:t1')).toBe('whsec_plain');
    expect(box.isCurrent(one)).toBe(true);
  });

  it('Given a ciphertext copied to another row or altered, When decrypted, Then it is refused (the row id is bound as additional data)', () => {
    const stored = box.encrypt('whsec_plain', 'ctx:t1');
    expect(() => box.decrypt(stored, 'ctx:t2')).toThrow(SecretDecryptError);
    const last = stored.at(-2) === 'A' ? 'B' : 'A';
    expect(() => box.decrypt(`${stored.slice(0, -2)}${last}${stored.at(-1) ?? ''}`, 'ctx:t1')).toThrow(SecretDecryptError);
  });

  it('Given a rotation, When the old key is previous, Then old values decrypt and are not current; When no key matches, Then the error names the key id, never a value', () => {
    const old = box.encrypt('s1', 'c');
    const rotated = createSecretBox({ current: KEY_B, previous: [KEY_A] });
    expect(rotated.decrypt(old, 'c')).toBe('s1');
    expect(rotated.isCurrent(old)).toBe(false);
    expect(() => createSecretBox({ current: KEY_C, previous: [] }).decrypt(old, 'c')).toThrow(new RegExp(keyIdOf(KEY_A)));
    expect(rotated.decrypt('whsec_legacy', 'c')).toBe('whsec_legacy');
    expect(rotated.isEncrypted('whsec_legacy')).toBe(false);
  });

  it('Given BANYAN_SECRET_KEY text, When parsed, Then 64 hex digits and base64(url) of 32 bytes are accepted, anything else refused', () => {
    expect(parseSecretKey('ab'.repeat(32))?.length).toBe(32);
    expect(parseSecretKey(KEY_A.toString('base64'))?.length).toBe(32);
    expect(parseSecretKey(KEY_A.toString('base64url'))?.length).toBe(32);
    expect(parseSecretKey('too-short')).toBeNull();
    expect(parseSecretKey(Buffer.alloc(16).toString('base64'))).toBeNull();
  });

  it('Given production without BANYAN_SECRET_KEY, or with a malformed or the published development key, When the config loads, Then start-up is refused naming the variable', () => {
    const prod = { NODE_ENV: 'production', BANYAN_ADMIN_PASSWORD: 'Long-enough-Pr0duction-passphrase' };
    expect(() => loadConfig(prod)).toThrow(ConfigError);
    expect(() => loadConfig(prod)).toThrow(/BANYAN_SECRET_KEY: required/);
    expect(() => loadConfig({ ...prod, BANYAN_SECRET_KEY: 'nope' })).toThrow(/BANYAN_SECRET_KEY: must be 32 bytes/);
    expect(() => loadConfig({ ...prod, BANYAN_SECRET_KEY: Buffer.from(DEVELOPMENT_SECRET_KEY).toString('base64') })).toThrow(/development key/);
    expect(() => loadConfig({ ...prod, BANYAN_SECRET_KEY: KEY_A.toString('hex'), BANYAN_SECRET_KEY_PREVIOUS: 'bad' })).toThrow(/BANYAN_SECRET_KEY_PREVIOUS/);
    expect(loadConfig({ ...prod, BANYAN_SECRET_KEY: KEY_A.toString('hex') }).secretKeys.development).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development' }).secretKeys.development).toBe(true);
  });
});

describe('callback signing secrets at rest', () => {
  let testDb: TestDatabase;
  let app: Banyan | undefined;
  const start = async (env: Record<string, string>): Promise<Banyan> => {
    await app?.close();
    app = await createBanyan(testConfig(testDb, { DEMO_DATA: 'false', SANDBOX_ENABLED: 'false', ...env }));
    return app;
  };
  const storedSecret = async (banyan: Banyan, tenantId: string): Promise<string | null> =>
    (await banyan.database.db.selectFrom('tenants').select('callback_secret').where('id', '=', tenantId).executeTakeFirstOrThrow()).callback_secret;

  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await app?.close();
    await testDb?.drop();
  });

  it('Given a tenant sets its callback URL, When the database row is read, Then it holds enc:v1:<keyId>:…, never the secret the API returned once; reads show only secretSet', async () => {
    const banyan = await start({ BANYAN_SECRET_KEY: KEY_A.toString('base64') });
    await banyan.modules.get('tenants').create({ id: 'rest-a', name: 'A' });
    const set = await banyan.modules.get('tenants').setCallback('rest-a', 'http://127.0.0.1:9/hook');
    expect(set.secret).toMatch(/^whsec_/);
    const stored = await storedSecret(banyan, 'rest-a');
    expect(stored?.startsWith(`enc:v1:${keyIdOf(KEY_A)}:`)).toBe(true);
    expect(stored).not.toContain(set.secret as string);
    expect(await banyan.modules.get('tenants').callbackResolver('rest-a', {} as never)).toEqual({ url: 'http://127.0.0.1:9/hook', secret: set.secret });
    const read = await banyan.modules.get('tenants').getCallback('rest-a');
    expect(read).toEqual({ callbackUrl: 'http://127.0.0.1:9/hook', secretSet: true, secretCreatedAt: expect.any(String) });
    const rotated = await banyan.modules.get('tenants').rotateCallbackSecret('rest-a');
    expect(await storedSecret(banyan, 'rest-a')).not.toContain(rotated.secret as string);
  });

  it('Given a plain row from before encryption, When the service starts, Then the row is re-encrypted and callbacks still sign with the same secret', async () => {
    const banyan = app as Banyan;
    await banyan.modules.get('tenants').create({ id: 'rest-legacy', name: 'Legacy' });
    await banyan.database.db
      .updateTable('tenants')
      .set({ callback_url: 'http://127.0.0.1:9/legacy', callback_secret: 'whsec_legacy-plain-value' })
      .where('id', '=', 'rest-legacy')
      .execute();
    expect(await banyan.modules.get('tenants').callbackResolver('rest-legacy', {} as never)).toMatchObject({ secret: 'whsec_legacy-plain-value' });
    const restarted = await start({ BANYAN_SECRET_KEY: KEY_A.toString('base64') });
    const stored = await storedSecret(restarted, 'rest-legacy');
    expect(stored?.startsWith('enc:v1:')).toBe(true);
    expect(stored).not.toContain('legacy-plain-value');
    expect(await restarted.modules.get('tenants').callbackResolver('rest-legacy', {} as never)).toMatchObject({ secret: 'whsec_legacy-plain-value' });
  });

  it('Given a key rotation A → B with A as previous, When restarted, Then every row moves to B; When A is then dropped, Then callbacks still resolve; a wrong key reports the tenants, without crashing', async () => {
    const before = await (app as Banyan).modules.get('tenants').callbackResolver('rest-a', {} as never);
    const rotated = await start({ BANYAN_SECRET_KEY: KEY_B.toString('hex'), BANYAN_SECRET_KEY_PREVIOUS: KEY_A.toString('base64') });
    for (const id of ['rest-a', 'rest-legacy']) expect((await storedSecret(rotated, id))?.startsWith(`enc:v1:${keyIdOf(KEY_B)}:`)).toBe(true);
    const onlyB = await start({ BANYAN_SECRET_KEY: KEY_B.toString('hex') });
    expect(await onlyB.modules.get('tenants').callbackResolver('rest-a', {} as never)).toEqual(before);
    const wrong = await start({ BANYAN_SECRET_KEY: KEY_C.toString('hex') });
    expect(await wrong.modules.get('tenants').reencryptSecrets()).toMatchObject({ reencrypted: 0, unreadable: ['rest-a', 'rest-legacy'] });
    await expect(wrong.modules.get('tenants').callbackResolver('rest-a', {} as never)).rejects.toThrow(SecretDecryptError);
  });

  it('Given `banyan secrets reencrypt` with a new key and the old one as previous, When run, Then it re-encrypts and exits 0; with no matching key it exits 1', async () => {
    await app?.close();
    app = undefined;
    try {
      for (const [name, value] of Object.entries({
        ...testDb.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        BANYAN_SECRET_KEY: KEY_A.toString('hex'),
        BANYAN_SECRET_KEY_PREVIOUS: KEY_B.toString('hex'),
      }))
        vi.stubEnv(name, value);
      const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      expect(await secretsCli(['reencrypt'])).toBe(0);
      expect(String(out.mock.calls.at(-1)?.[0])).toMatch(/re-encrypted 2/);
      vi.stubEnv('BANYAN_SECRET_KEY_PREVIOUS', '');
      vi.stubEnv('BANYAN_SECRET_KEY', KEY_C.toString('hex'));
      expect(await secretsCli(['reencrypt'])).toBe(1);
      out.mockRestore();
      const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      expect(await secretsCli(['nonsense'])).toBe(2);
      err.mockRestore();
    } finally {
      vi.unstubAllEnvs();
    }
    const back = await start({ BANYAN_SECRET_KEY: KEY_A.toString('hex') });
    expect((await storedSecret(back, 'rest-a'))?.startsWith(`enc:v1:${keyIdOf(KEY_A)}:`)).toBe(true);
  });
});
