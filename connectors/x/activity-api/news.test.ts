import { describe, expect, it } from 'vitest';
import { isPayloadError } from '../../../src/connectors/index.ts';
import { sample, RECEIVED, parse } from './testing/samples.ts';


describe('news.new', () => {
  it('the sample: a news activity without an author: headline, summary, topics', () => {
    const body = sample('news.new.json');
    expect(parse(body)).toEqual([{
      key: 'news:2080756868147019827',
      data: {
        kind: 'interaction', network: 'x', networkId: '2080756868147019827', activity: 'news', direction: 'inbound',
        title: 'ChatGPT Adds Custom Virtual Pets for Sharing',
        text: body.data.payload.summary,
        occurredAt: '2026-07-24T20:53:37.000Z',
        topics: ['Technology'],
      },
    }]);
  });

  it('the OpenAPI shape (headline, no id): keyed by the headline', () => {
    const body = { data: { event_uuid: '1', filter: { keyword: 'OpenAI' }, event_type: 'news.new', payload: { headline: 'A story', summary: 'What happened', hook: 'Why', category: 'News' } } };
    const [event] = parse(body);
    expect(event!.key).toMatch(/^news:sha256-[0-9a-f]{64}$/);
    expect(event!.data).toMatchObject({ activity: 'news', title: 'A story', text: 'What happened', occurredAt: RECEIVED.toISOString() });
    expect(parse({ data: { ...body.data, event_uuid: '2' } })[0]!.key).toBe(event!.key);
  });

  it('refuses a story with neither id nor headline', () => {
    let error: unknown;
    try { parse({ data: { event_type: 'news.new', filter: { keyword: 'x' }, payload: { summary: 's' } } }); } catch (caught) { error = caught; }
    expect(isPayloadError(error) && error.path).toBe('data.payload.id');
  });
});
