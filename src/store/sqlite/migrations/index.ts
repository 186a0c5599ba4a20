import { sql as intake } from './0001-intake.ts';
import { sql as outbox } from './0002-outbox.ts';
import { sql as deliveryHeaders } from './0003-delivery-headers.ts';
import { sql as sentMarker } from './0004-sent-marker.ts';
import { sql as deferredPlans } from './0005-deferred-plans.ts';
import { sql as instances } from './0006-instances.ts';
import { sql as resyncs } from './0007-resyncs.ts';
import { sql as people } from './0008-people.ts';
import { sql as erasures } from './0009-erasures.ts';
import { sql as mappingVersions } from './0010-mapping-versions.ts';
import { sql as policies } from './0012-policies.ts';
import { sql as incidents } from './0011-incidents.ts';

/** Append-only: a released migration is never edited; a change is a new, higher version. */
export const migrations: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  { version: 1, name: 'intake', sql: intake },
  { version: 2, name: 'outbox', sql: outbox },
  { version: 3, name: 'delivery-headers', sql: deliveryHeaders },
  { version: 4, name: 'sent-marker', sql: sentMarker },
  { version: 5, name: 'deferred-plans', sql: deferredPlans },
  { version: 6, name: 'instances', sql: instances },
  { version: 7, name: 'resyncs', sql: resyncs },
  { version: 8, name: 'people', sql: people },
  { version: 9, name: 'erasures', sql: erasures },
  { version: 10, name: 'mapping-versions', sql: mappingVersions },
  { version: 11, name: 'incidents', sql: incidents },
  { version: 12, name: 'policies', sql: policies },
];
