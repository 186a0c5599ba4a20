// `npm run events-doc`: writes docs/events.md (the canonical event model for mapping authors) from
// the zod schemas in src/model/. test/events-doc.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { renderEventsDoc } from '../src/mappings/events-doc.ts';

const target = new URL('../docs/events.md', import.meta.url);
writeFileSync(target, renderEventsDoc());
process.stdout.write(`wrote ${target.pathname}\n`);
