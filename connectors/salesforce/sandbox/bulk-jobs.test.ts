import { describe, expect, it } from 'vitest';
import { BulkJobs, type BulkSettings } from './bulk-jobs.ts';
import { buildDescribes } from './describes.ts';
import { SandboxOrg } from './org.ts';
import { RecordStore } from './record-store.ts';
import { SalesforceRequestError } from './types.ts';

// The job lifecycle with an injected clock: no timers, no sleeps.

function jobs(settings: Partial<BulkSettings> = {}) {
  let now = Date.parse('2026-12-01T10:00:00Z');
  const org = new SandboxOrg({ describes: buildDescribes(), store: new RecordStore(), userId: '005SB0000000001AAA', now: () => new Date(now) });
  const registry = new BulkJobs({
    org, userId: '005SB0000000001AAA', random: () => 0.9, now: () => new Date(now),
    settings: () => ({ inProgressPolls: 1, hardDeletePermission: true, ...settings }),
    lockError: { statusCode: 'UNABLE_TO_LOCK_ROW', message: 'locked', fields: [] },
  });
  return { org, registry, advance: (ms: number) => { now += ms; } };
}

const refusal = (run: () => unknown) => { try { run(); } catch (error) { return error as SalesforceRequestError; } throw new Error('not refused'); };

describe('sandbox Bulk API 2.0 jobs', () => {
  it('goes Open → UploadComplete → InProgress → JobComplete, processing on the poll after inProgressPolls', () => {
    const { registry, org } = jobs();
    const { id } = registry.create({ object: 'Lead', operation: 'insert' }, '62.0') as { id: string };
    expect(id).toMatch(/^750/);
    registry.upload(id, 'LastName,Company\nOne,Acme\n', false);
    expect(registry.setState(id, { state: 'UploadComplete' }, false)).toMatchObject({ state: 'UploadComplete' });
    expect(registry.info(id)).toMatchObject({ state: 'InProgress', numberRecordsProcessed: 0 });
    expect(org.store.counts()).toEqual({});
    expect(registry.info(id)).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 1, numberRecordsFailed: 0, jobType: 'V2Ingest' });
    expect(org.store.counts()).toEqual({ Lead: 1 });
  });

  it('processes a closed job once completeAfterMs has passed, whatever the polls', () => {
    const { registry, advance } = jobs({ inProgressPolls: 100, completeAfterMs: 1_000 });
    const { id } = registry.create({ object: 'Lead', operation: 'insert' }, '62.0') as { id: string };
    registry.upload(id, 'LastName,Company\nOne,Acme\n', false);
    registry.setState(id, { state: 'UploadComplete' }, false);
    expect(registry.info(id)).toMatchObject({ state: 'InProgress' });
    advance(1_000);
    expect(registry.results(id, 'successful')).toMatch(/^"sf__Id","sf__Created","LastName","Company"\n"00Q\w+","true","One","Acme"\n$/);
    expect(registry.info(id)).toMatchObject({ state: 'JobComplete' });
  });

  it('refuses what the real API refuses: an upsert without its key, a hardDelete without the permission, uploads to a closed job, deleting an open one', () => {
    const { registry } = jobs({ hardDeletePermission: false });
    expect(refusal(() => registry.create({ object: 'Lead', operation: 'upsert' }, '62.0'))).toMatchObject({ status: 400, errorCode: 'INVALIDJOB' });
    expect(refusal(() => registry.create({ object: 'Lead', operation: 'merge' }, '62.0'))).toMatchObject({ errorCode: 'INVALIDJOB' });
    expect(refusal(() => registry.create({ object: 'Lead', operation: 'hardDelete' }, '62.0'))).toMatchObject({ status: 400, errorCode: 'FEATURENOTENABLED' });
    const { id } = registry.create({ object: 'Lead', operation: 'insert', lineEnding: 'CRLF', columnDelimiter: 'PIPE' }, '62.0') as { id: string };
    expect(refusal(() => registry.delete(id))).toMatchObject({ errorCode: 'INVALIDJOBSTATE' });
    registry.upload(id, 'LastName|Company\r\nOne|Acme\r\n', false);
    registry.setState(id, { state: 'UploadComplete' }, false);
    expect(refusal(() => registry.upload(id, 'LastName|Company\r\n', false))).toMatchObject({ errorCode: 'INVALIDJOBSTATE' });
    expect(refusal(() => registry.info('750SB0000000999AAA'))).toMatchObject({ status: 404, errorCode: 'NOT_FOUND' });
  });

  it('writes result files in the job\'s dialect; failed rows carry sf__Error with the fields', () => {
    const { registry } = jobs({ inProgressPolls: 0 });
    const { id } = registry.create({ object: 'Lead', operation: 'insert', lineEnding: 'CRLF', columnDelimiter: 'SEMICOLON' }, '62.0') as { id: string };
    registry.upload(id, 'LastName;Company\r\n;Acme\r\n', false);
    registry.setState(id, { state: 'UploadComplete' }, false);
    expect(registry.info(id)).toMatchObject({ state: 'JobComplete', numberRecordsFailed: 1 });
    expect(registry.results(id, 'failed')).toBe('"sf__Id";"sf__Error";"LastName";"Company"\r\n"";"REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --";"";"Acme"\r\n');
  });
});
