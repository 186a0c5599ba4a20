import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signStandardWebhook as signedHeaders } from '../connectors/standard-webhooks.ts';
import { checkRuleText, loadRules } from './load-rules.ts';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const valid = (extra = '') => `id: burst
match:
  kind: interaction
  when: 'sentiment <= -0.25'
  groupBy: '$lowercase(topics[0])'
window: 10m
open: { count: 50 }
cases:
  salesforce:
    object: Case
    fields: { Subject: '"Crisis: " & group', Priority: '"High"' }
    link: { object: SocialPost, matchKey: ExternalPostId, field: ParentId }
${extra}`;

describe('crisis rule files', () => {
  it('compiles a valid rule: durations in ms, the close defaults (half the count, quiet for a window)', () => {
    const { rule, problems } = checkRuleText(valid(), 'rules/burst.yaml', { expectedId: 'burst' });
    expect(problems).toEqual([]);
    expect(rule).toMatchObject({ id: 'burst', windowMs: 600_000, count: 50, below: 25, quietForMs: 600_000, cases: [{ destination: 'salesforce', object: 'Case' }] });
  });

  it('takes `each` for a CRM that opens a record per post by itself, and refuses it beside `link` (there is no parent to link to)', () => {
    const each = `  oracle-cx:
    object: serviceRequests
    each: { matchKey: socialPost/SourcePostIdPrimary, waitFor: { field: socialPost, object: socialPosts } }
    fields: { SeverityCd: '"ORA_SVC_SEV1"' }
`;
    const { rule, problems } = checkRuleText(valid(each), 'rules/burst.yaml', { expectedId: 'burst' });
    expect(problems).toEqual([]);
    expect(rule!.cases[1]).toMatchObject({ destination: 'oracle-cx', object: 'serviceRequests', each: { matchKey: 'socialPost/SourcePostIdPrimary', waitFor: { field: 'socialPost', object: 'socialPosts' } } });
    const both = checkRuleText(valid(`${each}    link: { object: socialPosts, matchKey: SourcePostIdPrimary, field: ObjectId }\n`), 'rules/burst.yaml', { expectedId: 'burst' });
    expect(both.problems.map((p) => [p.key, p.message])).toEqual([['cases.oracle-cx.each', expect.stringMatching(/each and link do not go together/)]]);
  });

  it('loads the shipped example rule, its alert off while its environment variables are not set', () => {
    const [rule] = loadRules(join(import.meta.dirname, '../../rules'), { env: {} });
    expect(rule).toMatchObject({ id: 'negative-mentions-burst', count: 50, below: 10, baseline: { factor: 5, ms: 3_600_000, minCount: 10 }, alertOff: 'the environment variables CRISIS_ALERT_URL and CRISIS_ALERT_SECRET are not set' });
    expect(rule!.alert).toBeUndefined();
    const [alerted] = loadRules(join(import.meta.dirname, '../../rules'), { env: { CRISIS_ALERT_URL: 'https://hooks.example.com/crisis', CRISIS_ALERT_SECRET: SECRET } });
    expect(alerted!.alert?.url).toBe('https://hooks.example.com/crisis');
  });

  it('reports every problem at once, each with its key, line and column and words a non-developer understands', () => {
    const text = `id: burst
match:
  kind: interaction
  when: 'sentimnt <= -0.25'
  groupBy: '$lowercase(('
window: 10 minutes
open: { coutn: 50 }
alert: { url: 'http://hooks.example.com/x', secret: 'whsec_short' }
`;
    const { rule, problems } = checkRuleText(text, 'rules/burst.yaml', { expectedId: 'burst' });
    expect(rule).toBeUndefined();
    // The schema's problems come first (expressions are checked once the shape is right).
    expect(problems.map((p) => [p.key, p.line])).toEqual([['window', 6], ['open.coutn', 7], ['open', 7]]);
    expect(problems[0]!.message).toMatch(/length of time such as 30s, 10m or 2h/);
    expect(problems[1]!.message).toMatch(/did you mean "count"/);
    const fixed = text.replace('10 minutes', '10m').replace('coutn', 'count');
    const second = checkRuleText(fixed, 'rules/burst.yaml', { expectedId: 'burst' }).problems;
    expect(second.map((p) => [p.key, p.line, p.column])).toEqual([
      ['match.when', 4, 9], ['match.groupBy', 5, 12], ['alert.url', 8, 15], ['alert.secret', 8, 53],
    ]);
    expect(second[0]!.message).toMatch(/did you mean "sentiment"/);
    expect(second[2]!.message).toBe('must use https (plain http only to this machine)');
  });

  it('refuses a file whose id is not its name, and a rule that could never open', () => {
    expect(checkRuleText(valid(), 'rules/other.yaml', { expectedId: 'other' }).problems.map((p) => p.key)).toEqual(['id']);
    const never = valid().replace('open: { count: 50 }', 'open: {}');
    expect(checkRuleText(never, 'rules/burst.yaml').problems).toEqual([expect.objectContaining({ key: 'open', message: expect.stringMatching(/no incident would ever open/) })]);
  });

  it('throws PARLEY_RULE_INVALID with every file\'s problems', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    writeFileSync(join(dir, 'burst.yaml'), valid().replace('window: 10m', 'window: soon'));
    writeFileSync(join(dir, 'good.yaml'), valid().replace('id: burst', 'id: good'));
    expect(() => loadRules(dir)).toThrow(expect.objectContaining({ code: 'PARLEY_RULE_INVALID', details: expect.objectContaining({ problems: [expect.objectContaining({ ruleId: 'burst', key: 'window' })] }) }));
    expect(loadRules(join(dir, 'none'))).toEqual([]);
  });
});

describe('alert signatures', () => {
  it('sign "id.timestamp.body" with HMAC-SHA256 under the secret\'s key, as Standard Webhooks receivers check', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const headers = signedHeaders(key, 'i1:crisis.opened', new Date(1_700_000_000_500), '{"a":1}');
    const expected = createHmac('sha256', key).update('i1:crisis.opened.1700000000.{"a":1}').digest('base64');
    expect(headers).toEqual({ 'webhook-id': 'i1:crisis.opened', 'webhook-timestamp': '1700000000', 'webhook-signature': `v1,${expected}` });
  });
});
