import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HTTP_STATUS } from '../../src/platform/http/errors.js';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');

describe('docs stay in sync with the code', () => {
  it('Given the config schema, When the README is read, Then every environment variable is documented', () => {
    const config = read('src/platform/config.ts');
    const schema = config.slice(config.indexOf('const EnvSchema = Type.Object({'), config.indexOf('export type Env'));
    const variables = [...schema.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
    expect(variables.length).toBeGreaterThan(20);
    const readme = read('README.md');
    expect(variables.filter((v) => !readme.includes(`\`${v}\``))).toEqual([]);
  });

  it('Given the error catalogue, When docs/bank-api.md is read, Then every code is documented with its status', () => {
    const doc = read('docs/bank-api.md');
    for (const [code, status] of Object.entries(HTTP_STATUS)) expect(doc, code).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\|`));
  });
});
