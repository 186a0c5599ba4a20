import { describe, expect, it } from 'vitest';
import { ProfileError, builtInProfilesDir, loadProfileDir, parseProfile } from './load.ts';

const problemOf = (text: string, name = 'test') => {
  try {
    parseProfile(text, 'profiles/test.yaml', name);
  } catch (error) {
    if (error instanceof ProfileError) return { key: error.key, line: error.line, problem: error.problem, message: error.message };
    throw error;
  }
  throw new Error('expected a ProfileError');
};

describe('payload profile files', () => {
  it('every built-in profile loads and can be picked by auto', () => {
    const profiles = loadProfileDir(builtInProfilesDir());
    expect(profiles.map((profile) => profile.name)).toEqual(['brandwatch', 'standard-event', 'talkwalker']);
    for (const profile of profiles) {
      expect(profile.match, profile.name).toBeDefined();
      expect(profile.description, profile.name).toBeTruthy();
      expect(profile.file).toBe(`connectors/standard/profiles/${profile.name}.yaml`);
    }
  });

  it('compiles every expression once, keyed by where it sits', async () => {
    const profile = parseProfile([
      'match: kind = "x"',
      'items: list',
      'fields:',
      '  text: body',
      'sentiment:',
      '  value: score',
      '  scale: [0, 10]',
      'author:',
      '  userId: by.id',
    ].join('\n'), 'p.yaml', 'p');
    expect(profile.match?.key).toBe('match');
    expect(profile.fields.get('text')?.key).toBe('fields.text');
    expect(profile.author.get('userId')?.source).toBe('by.id');
    expect(profile.sentiment?.scale).toEqual([0, 10]);
    expect(await profile.items.evaluate({ list: [{ body: 'hi' }] })).toEqual([{ body: 'hi' }]);
    expect(profile.id).toBeUndefined();
  });

  it('items defaults to the body itself', async () => {
    expect(await parseProfile('fields: {}', 'p.yaml', 'p').items.evaluate({ a: 1 })).toEqual({ a: 1 });
  });

  it('an expression that does not compile names its key, line and character', () => {
    expect(problemOf('match: a = 1\nfields:\n  text: content &\n')).toMatchObject({ key: 'fields.text', line: 3, problem: expect.stringMatching(/^cannot compile "content &": .*\(at character \d+\)$/) });
  });

  it('an unknown key (a typo) names itself and its line', () => {
    expect(problemOf('match: a = 1\nitmes: list\n')).toMatchObject({ key: 'itmes', line: 2, problem: 'unknown key "itmes"' });
    expect(problemOf('author:\n  name: n\n')).toMatchObject({ key: 'author.name', line: 2 });
  });

  it('a sentiment needs its scale stated: a [min, max] range or labels in -1…1', () => {
    expect(problemOf('sentiment:\n  value: s\n')).toMatchObject({ key: 'sentiment', line: 2 });
    expect(problemOf('sentiment:\n  value: s\n  scale: [5, -5]\n')).toMatchObject({ key: 'sentiment.scale', line: 3 });
    expect(problemOf('sentiment:\n  value: s\n  labels: {good: 2}\n')).toMatchObject({ key: 'sentiment.labels.good', line: 3 });
  });

  it('a YAML syntax error names its line; a duplicate key is one', () => {
    expect(problemOf('match: a\nfields:\n  text: [unclosed\n')).toMatchObject({ line: expect.any(Number) });
    expect(problemOf('match: a\nmatch: b\n').message).toMatch(/line 2/);
  });

  it('names are kebab-case file names, and "auto" is taken', () => {
    expect(problemOf('{}', 'Auto Profile').problem).toMatch(/kebab-case/);
    expect(problemOf('{}', 'auto').problem).toMatch(/not "auto"/);
  });
});
