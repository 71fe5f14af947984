/**
 * `tsx scripts/openapi.ts dump <file>`: write the OpenAPI document `/api-docs` serves (built
 * without listening) to <file>, for `npm run lint:api` (Redocly CLI) and `npm run gen:client`.
 * `tsx scripts/openapi.ts client <file>`: write the openapi-typescript types of the document.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildOpenApiDocument, generateClientTypes } from './openapi-document.js';

const [command, file] = process.argv.slice(2);
if ((command !== 'dump' && command !== 'client') || !file) {
  process.stderr.write('usage: tsx scripts/openapi.ts dump|client <file>\n');
  process.exit(2);
}
const document = await buildOpenApiDocument();
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, command === 'dump' ? `${JSON.stringify(document, null, 2)}\n` : await generateClientTypes(document));
process.stdout.write(`wrote ${file}\n`);
