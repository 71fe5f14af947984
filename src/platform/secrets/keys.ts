import type { Config } from '../config.js';
import { createSecretBox, type SecretBox } from './secret-box.js';

/** The secret box of this configuration (BANYAN_SECRET_KEY, BANYAN_SECRET_KEY_PREVIOUS). */
export function secretBoxOf(config: Config): SecretBox {
  return createSecretBox({
    current: Buffer.from(config.secretKeys.current, 'base64'),
    previous: config.secretKeys.previous.map((k) => Buffer.from(k, 'base64')),
  });
}
