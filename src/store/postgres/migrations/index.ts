import { sql as intake } from './0001-intake.ts';
import { sql as outbox } from './0002-outbox.ts';
import { sql as instances } from './0003-instances.ts';
import { sql as resyncs } from './0004-resyncs.ts';
import { sql as people } from './0005-people.ts';
import { sql as erasures } from './0006-erasures.ts';
import { sql as mappingVersions } from './0007-mapping-versions.ts';
import { sql as policies } from './0009-policies.ts';
import { sql as incidents } from './0008-incidents.ts';

/** Append-only: a released migration is never edited; a change is a new, higher version. */
export const migrations: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  { version: 1, name: 'intake', sql: intake },
  { version: 2, name: 'outbox', sql: outbox },
  { version: 3, name: 'instances', sql: instances },
  { version: 4, name: 'resyncs', sql: resyncs },
  { version: 5, name: 'people', sql: people },
  { version: 6, name: 'erasures', sql: erasures },
  { version: 7, name: 'mapping-versions', sql: mappingVersions },
  { version: 8, name: 'incidents', sql: incidents },
  { version: 9, name: 'policies', sql: policies },
];
