// npm run openapi — writes openapi/openapi.json from the route schemas.
import { writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from '../src/http/openapi-document.ts';

const target = new URL('../openapi/openapi.json', import.meta.url);
writeFileSync(target, JSON.stringify(await buildOpenApiDocument(), null, 2) + '\n');
process.stdout.write(`wrote ${target.pathname}\n`);
