import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { catalog, fiveMistakes, good } from '../mappings/testing/check-examples.ts';
import { runParley } from './testing/fake-api.ts';

// `parley mappings check` runs where no Parley, config or CRM is: every run below has no server to
// call, and fetch is one that fails the test if anything tries.
const noNetwork = (async () => { throw new Error('mappings check must not call the network'); }) as typeof fetch;

let dirs: string[] = [];
afterEach(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); dirs = []; });

/** A mappings folder with the given files (`salesforce/post.yaml` → text), and a saved catalog beside it. */
function folder(files: Record<string, string>): { root: string; mappings: string; catalogFile: string; label: (path: string) => string } {
  const root = mkdtempSync(join(tmpdir(), 'parley-check-'));
  dirs.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, 'mappings', name, '..'), { recursive: true });
    writeFileSync(join(root, 'mappings', name), text);
  }
  const catalogFile = join(root, 'catalog.json');
  writeFileSync(catalogFile, JSON.stringify({ salesforce: catalog }));
  return { root, mappings: join(root, 'mappings'), catalogFile, label: (path) => relative(process.cwd(), join(root, 'mappings', path)) };
}

const check = (argv: string[], env: Record<string, string> = {}) => runParley(['mappings', 'check', ...argv], { env, fetch: noNetwork });

describe('parley mappings check', () => {
  it('prints every problem of a file as file:line:column  mapping  message, and exits 1', async () => {
    const { mappings, catalogFile, label } = folder({ 'salesforce/post.yaml': fiveMistakes });
    const run = await check(['--dir', mappings, '--catalog', catalogFile]);
    const file = label('salesforce/post.yaml');
    expect(run).toMatchObject({ code: 1, stderr: '' });
    expect(run.stdout.split('\n')).toEqual([
      `${file}:6:14  post  "upserrt" is not a valid operation: use one of create, update, upsert, delete, create-only, update-only (did you mean "upsert"?)`,
      `${file}:10:3  post  SocialPost has no field "Contnet" (did you mean "Content"?)`,
      `${file}:11:11  post  "occuredAt" is not a field of an interaction event (did you mean "occurredAt"?)`,
      expect.stringMatching(new RegExp(`^${file.replace(/[.\\]/g, '\\$&')}:12:24  post  the expression "author.handle &" cannot be read: `)),
      expect.stringMatching(/:14:24 {2}post {2}salesforce has no object "SocialPersonna" \(did you mean "SocialPersona"\?\)/),
      '5 problems in 1 of 1 mapping file, checked against the catalog of salesforce',
      '',
    ]);
  });

  it('without --catalog, finds what needs no CRM: objects and fields are left to the catalog', async () => {
    const { mappings } = folder({ 'salesforce/post.yaml': fiveMistakes });
    const run = await check(['--dir', mappings]);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n').map((l) => /:(\d+:\d+) {2}/.exec(l)?.[1] ?? l)).toEqual([
      '6:14', '11:11', '12:24', '3 problems in 1 of 1 mapping file, checked without a catalog (--catalog checks objects and fields)', '',
    ]);
  });

  it('a good folder: exit 0 and one line, with no server, no config and even a bad PARLEY_URL', async () => {
    const { mappings, catalogFile } = folder({ 'salesforce/post.yaml': good, 'salesforce/other.yaml': good.replace('id: post', 'id: other') });
    const run = await check(['--dir', mappings, '--catalog', catalogFile], { PARLEY_URL: 'not a url' });
    expect(run).toEqual({ code: 0, stdout: '2 mapping files checked against the catalog of salesforce: no problems\n', stderr: '', asked: [] });
  });

  it('files named on the command line; one in the mappings folder is held to its place', async () => {
    const { root, mappings, label } = folder({ 'salesforce/post.yaml': good, 'sap/post2.yaml': good });
    const elsewhere = join(root, 'post.yaml');
    writeFileSync(elsewhere, good);
    const run = await check(['--dir', mappings, join(mappings, 'salesforce', 'post.yaml'), join(mappings, 'sap', 'post2.yaml'), elsewhere]);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')).toEqual([
      `${label('sap/post2.yaml')}:1:5  post  must be the file name without .yaml ("post2")`,
      `${label('sap/post2.yaml')}:3:24  post  must be the folder's name ("sap"): mappings/<destination>/<id>.yaml`,
      // Two files with the same id: the second is refused, naming the first.
      `${relative(process.cwd(), elsewhere)}:1:5  post  "post" is already the id of ${label('salesforce/post.yaml')}`,
      '3 problems in 2 of 3 mapping files, checked without a catalog (--catalog checks objects and fields)',
      '',
    ]);
  });

  it('--json prints the problems as data', async () => {
    const { mappings, catalogFile, label } = folder({ 'salesforce/post.yaml': fiveMistakes });
    const run = await check(['--dir', mappings, '--catalog', catalogFile, '--json']);
    expect(run.code).toBe(1);
    const body = JSON.parse(run.stdout) as { ok: boolean; files: number; catalogs: string[]; problems: Array<Record<string, unknown>> };
    expect(body).toMatchObject({ ok: false, files: 1, mappings: 0, catalogs: ['salesforce'] });
    expect(body.problems).toHaveLength(5);
    expect(body.problems[1]).toEqual({ file: label('salesforce/post.yaml'), line: 10, column: 3, mappingId: 'post', field: 'Contnet', key: 'fields.Contnet', message: 'SocialPost has no field "Contnet" (did you mean "Content"?)', suggestion: 'Content' });
  });

  it('a file that cannot be read is a problem; a missing folder or a bad catalog file is a usage error', async () => {
    const { root, mappings } = folder({ 'salesforce/post.yaml': good });
    const missing = await check([join(root, 'nope.yaml')]);
    expect(missing).toMatchObject({ code: 1, stdout: expect.stringMatching(/nope\.yaml:1:1 {2}nope {2}the file does not exist\n/) });
    const noFolder = await check(['--dir', join(root, 'absent')]);
    expect(noFolder).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/absent does not exist/) });
    writeFileSync(join(root, 'bad.json'), '{"salesforce": {"objects": 3}}');
    const badCatalog = await check(['--dir', mappings, '--catalog', join(root, 'bad.json')]);
    expect(badCatalog).toMatchObject({ code: 2, stderr: expect.stringContaining('"salesforce" is not a catalog') });
  });

  it('a catalog Parley kept (<dataDir>/catalogs/<destination>.json) is read as that destination\'s', async () => {
    const { root, mappings } = folder({ 'salesforce/post.yaml': good.replace('Content: text', 'Contnet: text') });
    const kept = join(root, 'salesforce.json');
    writeFileSync(kept, JSON.stringify(catalog));
    const run = await check(['--dir', mappings, '--catalog', kept]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('SocialPost has no field "Contnet"');
  });
});
