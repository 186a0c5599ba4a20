// `npm run openapi`: writes openapi/openapi.json from the route schemas. test/openapi-drift.test.ts
// fails when the committed file and the routes disagree.
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from '../src/http/openapi-document.ts';

const target = new URL('../openapi/openapi.json', import.meta.url);
mkdirSync(new URL('.', target), { recursive: true });
writeFileSync(target, JSON.stringify(await buildOpenApiDocument(), null, 2) + '\n');
process.stdout.write(`wrote ${target.pathname}\n`);
