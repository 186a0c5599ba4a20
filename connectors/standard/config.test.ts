import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StandardSourceConfig } from './config.ts';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const dirs: string[] = [];
afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });
const profilesDir = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-profiles-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
};
const issuesOf = (block: Record<string, unknown>) => {
  const result = StandardSourceConfig.safeParse(block);
  if (result.success) throw new Error('expected the config to be refused');
  return result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
};

describe('standard config', () => {
  it('defaults: 5 minutes tolerance, auto over the built-in profiles that can match, network "web"', () => {
    const config = StandardSourceConfig.parse({ secret: SECRET });
    expect(config.toleranceSeconds).toBe(300);
    expect(config.auto).toBe(true);
    expect(config.network).toBe('web');
    expect(config.profiles.map((p) => p.name)).toEqual(['brandwatch', 'standard-event', 'talkwalker']);
    expect(config.keys).toEqual([Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64')]);
  });

  it('decodes the previous secret too; an empty one means no rotation', () => {
    const previous = 'whsec_' + Buffer.alloc(24, 3).toString('base64');
    expect(StandardSourceConfig.parse({ secret: SECRET, secretPrevious: previous }).keys).toHaveLength(2);
    expect(StandardSourceConfig.parse({ secret: SECRET, secretPrevious: '' }).keys).toHaveLength(1);
  });

  it('a named profile is the only one tried', () => {
    expect(StandardSourceConfig.parse({ secret: SECRET, profile: 'talkwalker' }).profiles.map((p) => p.name)).toEqual(['talkwalker']);
  });

  it('refuses a secret that is not whsec_/base64 under its own key, without its value', () => {
    const issues = issuesOf({ secret: 'my secret!' });
    expect(issues).toEqual([{ path: 'secret', message: expect.stringContaining('base64') }]);
    expect(issues[0]!.message).not.toContain('my secret!');
    expect(issuesOf({ secret: SECRET, secretPrevious: 'short' })).toEqual([{ path: 'secretPrevious', message: expect.any(String) }]);
  });

  it('refuses an unknown profile name, listing the known ones', () => {
    expect(issuesOf({ secret: SECRET, profile: 'meltwater' })).toEqual([
      { path: 'profile', message: 'no payload profile "meltwater" (known: auto, brandwatch, standard-event, talkwalker)' },
    ]);
  });

  it('loads the user\'s profiles from profilesDir, first in auto\'s order', () => {
    const dir = profilesDir({ 'acme-listener.yaml': 'match: $exists(acme)\nitems: acme.mentions\nid: id\n', 'notes.txt': 'not a profile' });
    const config = StandardSourceConfig.parse({ secret: SECRET, profilesDir: dir });
    expect(config.profiles.map((p) => p.name)).toEqual(['acme-listener', 'brandwatch', 'standard-event', 'talkwalker']);
  });

  it('a broken profile is a config error naming its file and line', () => {
    const dir = profilesDir({ 'broken.yaml': 'match: $exists(a)\nfields:\n  text: content\n  txet: content\n' });
    expect(issuesOf({ secret: SECRET, profilesDir: dir })).toEqual([
      { path: 'profilesDir', message: expect.stringMatching(/broken\.yaml line 4 \(fields\.txet\): unknown key "txet"$/) },
    ]);
    expect(issuesOf({ secret: SECRET, profilesDir: join(dir, 'missing') })).toEqual([{ path: 'profilesDir', message: expect.stringContaining('no such folder') }]);
  });

  it('refuses unknown keys and a tolerance out of bounds', () => {
    expect(issuesOf({ secret: SECRET, tolerance: 300 })[0]!.path).toBe('');
    expect(issuesOf({ secret: SECRET, toleranceSeconds: 0 })[0]!.path).toBe('toleranceSeconds');
    expect(issuesOf({ secret: SECRET, network: 'Not A Network' })[0]!.path).toBe('network');
  });
});
