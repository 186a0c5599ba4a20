import { describe, expect, it } from 'vitest';
import { ParleyConfig } from '../config/schema.ts';
import { PoliciesConfig } from './policy-schema.ts';

const problems = (policies: unknown) => {
  const parsed = PoliciesConfig.safeParse(policies);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ key: i.path.join('.'), problem: i.message }));
};

describe('the policies block of parley.yaml', () => {
  it('is optional: nothing dropped, everything kept, consent granted by default', () => {
    expect(ParleyConfig.parse({}).policies).toEqual({ intake: [], retention: { mode: 'delete', every: 3_600_000 }, consent: { default: 'granted' } });
  });

  it('reads durations as ms', () => {
    const { retention } = PoliciesConfig.parse({ retention: { events: '365d', deliveries: '30d', operations: '12h', every: '10m', mode: 'anonymise' } });
    expect(retention).toEqual({ events: 365 * 86_400_000, deliveries: 30 * 86_400_000, operations: 12 * 3_600_000, every: 600_000, mode: 'anonymise' });
    expect(problems({ retention: { events: '1y' } })).toEqual([{ key: 'retention.events', problem: 'a duration such as 30d, 12h, 10m or 45s' }]);
    expect(problems({ retention: { keep: '1d' } })[0]!.key).toBe('retention');
  });

  it('checks every drop path against the canonical model, naming the nearest real one', () => {
    expect(problems({ intake: [{ source: 'x', kind: 'identity', drop: ['location', 'bio'] }, { source: '*', kind: 'interaction', drop: ['attachments', 'mentions.handle'] }] })).toEqual([]);
    expect(problems({ intake: [{ source: 'x', kind: 'identity', drop: ['bio', 'locaton'] }] })).toEqual([
      { key: 'intake.0.drop.1', problem: 'an identity event has no field "locaton": did you mean "location"? (docs/events.md lists every field)' },
    ]);
    expect(problems({ intake: [{ source: 'x', kind: 'interaction', drop: ['author.handel'] }] })[0]!.problem).toContain('did you mean "author.handle"?');
  });

  it('refuses to drop what every event of the kind has, and erasures altogether', () => {
    expect(problems({ intake: [{ source: 'x', kind: 'identity', drop: ['key'] }, { source: 'x', kind: 'interaction', drop: ['author.key'] }] })).toEqual([
      { key: 'intake.0.drop.0', problem: '"key" is in every identity event (the model requires it): it cannot be dropped' },
      { key: 'intake.1.drop.0', problem: '"author.key" is in every interaction event (the model requires it): it cannot be dropped' },
    ]);
    expect(problems({ intake: [{ source: 'x', kind: 'erasure', drop: ['reason'] }] })[0]!.key).toBe('intake.0.kind');
    expect(problems({ intake: [{ source: 'X!', kind: 'identity', drop: ['bio'] }] })[0]!.key).toBe('intake.0.source');
  });
});
