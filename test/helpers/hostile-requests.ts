// Hostile webhook requests for test/hostile-input.test.ts: each case is plain data (what fast-check
// generates and a failure prints), and `materialise` turns it into the bytes sent. Signatures are
// computed here from the wire reference (../shared/reference/social-webhooks.md §0), never with
// Parley's own helpers, so a shared mistake cannot hide.
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';

/** Every source the suite attacks, by the name of its block in parley.yaml (= its connector id). */
export const SOURCES = ['x', 'facebook', 'instagram', 'linkedin', 'standard'] as const;
export type SourceId = typeof SOURCES[number];

/** What the service under attack was started with: random secrets, and each source's body limit (bytes). */
export interface Target {
  /** X consumer secret, Meta app secrets, LinkedIn client secret, Standard Webhooks `whsec_…` secret. */
  secrets: Record<SourceId, string>;
  verifyTokens: { facebook: string; instagram: string };
  bodyLimits: Record<SourceId, number>;
  /** Which reading of LinkedIn's signature the linkedin source is configured for (social-webhooks.md §3). */
  linkedin: { readingB: boolean; prefix: boolean };
}

/** One request, ready to send: headers as flat name/value pairs, so a header may be repeated. */
export interface WireRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers: string[];
  body?: Buffer;
}

// ---- Carrier bodies: the vendors' own samples, so every body looks like the real thing -------------

const fixtures = new URL('../fixtures/', import.meta.url);
const samplesIn = (...folders: string[]) => folders.flatMap((folder) =>
  readdirSync(new URL(`${folder}/`, fixtures)).filter((f) => f.endsWith('.json')).sort().map((f) => `${folder}/${f}`));
/** Sample bodies per source (Messenger deliveries come to the facebook route, XAA ones to x's). */
export const SAMPLES: Record<SourceId, string[]> = {
  x: samplesIn('x', 'x-activity'),
  facebook: samplesIn('facebook', 'messenger'),
  instagram: samplesIn('instagram'),
  linkedin: samplesIn('linkedin'),
  standard: samplesIn('standard'),
};
const sampleCache = new Map<string, string>();
/** A sample's JSON text, compacted (one line, as networks send it). */
export function sampleText(name: string): string {
  let text = sampleCache.get(name);
  if (text === undefined) {
    text = JSON.stringify(JSON.parse(readFileSync(new URL(name, fixtures), 'utf8')));
    sampleCache.set(name, text);
  }
  return text;
}

/** How a body's text is turned into bytes. Only `utf8` is what the networks send (RFC 8259 §8.1). */
export const ENCODINGS = ['utf8', 'latin1', 'utf16le', 'utf16be', 'utf8-bom', 'utf16le-bom', 'invalid-utf8'] as const;
export type BodyEncoding = typeof ENCODINGS[number];
/** Encodings Parley must refuse even when correctly signed: not JSON text at all (NUL bytes, a byte-order mark). */
export const REFUSED_ENCODINGS = ['utf16le', 'utf16be', 'utf8-bom', 'utf16le-bom'] as const;

/** `text` with accents, an em dash, an emoji and an astral letter added, so that every encoding changes the bytes. */
const accented = (text: string) => text.replace('{', '{"note":"Café naïve — ☕ 𝕏",');
export function encodeBody(text: string, encoding: BodyEncoding): Buffer {
  switch (encoding) {
    case 'utf8': return Buffer.from(text, 'utf8');
    case 'latin1': return Buffer.from(accented(text), 'latin1');
    case 'utf16le': return Buffer.from(accented(text), 'utf16le');
    case 'utf16be': return Buffer.from(accented(text), 'utf16le').swap16();
    case 'utf8-bom': return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(accented(text), 'utf8')]);
    case 'utf16le-bom': return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(accented(text), 'utf16le')]);
    // A lone continuation byte, an overlong `/` and a truncated sequence, inside a string value.
    case 'invalid-utf8': return Buffer.concat([Buffer.from('{"note":"'), Buffer.from([0x80, 0xc0, 0xaf, 0xe2, 0x82]), Buffer.from('",' + text.slice(1))]);
  }
}

/** Content-Type values a request may carry; `null` sends none. Signature comes before media type, so all of them reach verify. */
export const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=iso-8859-1', 'application/json; charset=utf-16',
  'APPLICATION/JSON', 'text/plain', 'text/html; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz',
  'application/xml', 'application/octet-stream', 'application/jsonp', 'application/json, text/plain', 'garbage', '', ';', null,
] as const;
/** Content types whose media type is not `application/json`: a correctly signed body under one of them is still refused (415). */
export const REFUSED_CONTENT_TYPES = ['text/plain', 'text/html; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz',
  'application/xml', 'application/octet-stream', 'application/jsonp', 'application/json, text/plain', 'garbage', '', ';', null] as const;

// ---- Signing, per network -----------------------------------------------------------------------

/** The header each network puts its signature in (lower-case, as Node gives it). */
export const SIGNATURE_HEADER: Record<SourceId, string> = {
  x: 'x-twitter-webhooks-signature', facebook: 'x-hub-signature-256', instagram: 'x-hub-signature-256', linkedin: 'x-li-signature', standard: 'webhook-signature',
};
/** How each network encodes its MAC: X and Standard Webhooks base64, Meta and LinkedIn lowercase hex. */
const ENCODING_OF: Record<SourceId, 'base64' | 'hex'> = { x: 'base64', facebook: 'hex', instagram: 'hex', linkedin: 'hex', standard: 'base64' };

/** Characters of a 32-byte MAC written in each encoding. */
const DIGEST_LENGTH = { hex: 64, base64: 44 } as const;

/** Standard Webhooks' signed-content parts (spec v1: `${id}.${timestamp}.${body}`). */
export interface StandardStamp { id: string; timestamp: string }

/** The raw MAC over what `source` signs: the body (LinkedIn reading B: `hmacsha256=` + body), or Standard's `id.timestamp.body`. */
export function macOf(source: SourceId, secret: string, body: Buffer, options: { algorithm?: 'sha256' | 'sha1'; stamp?: StandardStamp; linkedinReadingB?: boolean } = {}): Buffer {
  const algorithm = options.algorithm ?? 'sha256';
  if (source === 'standard') {
    // The key is the base64 after `whsec_`, decoded; a secret that is not one is used as text (a forger's guess).
    const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret);
    const stamp = options.stamp ?? { id: 'msg_none', timestamp: '0' };
    return createHmac(algorithm, key).update(`${stamp.id}.${stamp.timestamp}.`).update(body).digest();
  }
  const mac = createHmac(algorithm, secret);
  if (source === 'linkedin' && options.linkedinReadingB) mac.update('hmacsha256=');
  return mac.update(body).digest();
}

/** A MAC written as `source` writes it in its header; `encoding` overrides the network's own (a mis-signing). */
export function present(source: SourceId, mac: Buffer, options: { encoding?: 'base64' | 'hex'; linkedinPrefix?: boolean } = {}): string {
  const digest = mac.toString(options.encoding ?? ENCODING_OF[source]);
  switch (source) {
    case 'x': case 'facebook': case 'instagram': return `sha256=${digest}`;
    case 'linkedin': return options.linkedinPrefix ? `hmacsha256=${digest}` : digest;
    case 'standard': return `v1,${digest}`;
  }
}

/** Standard Webhooks' `webhook-id` and `webhook-timestamp` headers, as flat pairs. */
export const stampHeaders = (stamp: StandardStamp): string[] => ['webhook-id', stamp.id, 'webhook-timestamp', stamp.timestamp];

/** Unix seconds now, as Standard Webhooks writes `webhook-timestamp`. */
export const unixNow = (now: Date) => Math.floor(now.getTime() / 1000);

// ---- The cases --------------------------------------------------------------------------------

/** A body dressed for sending: which sample, how its text became bytes, its Content-Type. */
export interface Carrier { sample: string; encoding: BodyEncoding; contentType: string | null }

/** How a request signed with the right secret is still wrong. The last five are Standard Webhooks' own. */
export type MisSigning =
  | { how: 'other-body' } // the MAC of another body
  | { how: 'flipped-body-byte'; at: number; mask: number } // one byte changed after signing; `at` ∈ [0, 1) of the length
  | { how: 'flipped-signature-char'; at: number } // one character of the MAC changed
  | { how: 'wrong-encoding' } // hex where base64 is expected, or the reverse
  | { how: 'sha1' } // HMAC-SHA1; for Meta in the legacy `x-hub-signature` header alone
  | { how: 'empty'; prefixOnly: boolean }
  | { how: 'huge'; bytes: number } // a header value of this many bytes (Node refuses headers over 16 KiB in all)
  | { how: 'repeated' } // the header twice: the right MAC of another body, a wrong-secret MAC of this one
  | { how: 'other-id' } | { how: 'other-timestamp'; by: number } | { how: 'missing-id' } | { how: 'missing-timestamp' }
  | { how: 'unknown-version'; version: 'v1a' | 'v2' }; // the right MAC under a scheme label that is not HMAC's `v1`

/** A Meta subscription check (`hub.*`) that must not pass: never with the source's own verify token. */
export interface MetaVerifyAbuse {
  mode: string | null;
  token: { wrong: string } | 'absent' | 'other-meta-source';
  challenge: string | null;
  /** More parameters after these: prototype names, or one of Meta's again (an array once parsed). */
  extra: Array<[string, string]>;
}

/** One hostile request, as data. */
export type HostileCase =
  | { kind: 'forged'; source: SourceId; carrier: Carrier; wrongSecret: string } // the network's scheme, another secret
  | { kind: 'unsigned'; source: SourceId; carrier: Carrier }
  | { kind: 'truncated'; source: SourceId; carrier: Carrier; keep: number } // cut to a fraction, the whole body's MAC
  | { kind: 'oversized'; source: SourceId; overBy: number } // the body limit plus this many bytes, correctly signed
  | { kind: 'refused-encoding'; source: SourceId; sample: string; encoding: typeof REFUSED_ENCODINGS[number] } // correctly signed
  | { kind: 'refused-content-type'; source: SourceId; sample: string; contentType: string | null } // correctly signed
  | { kind: 'stale' | 'future'; sample: string; skewSeconds: number } // Standard Webhooks, correctly signed
  | { kind: 'bad-timestamp'; sample: string; timestamp: string } // Standard Webhooks, correctly signed over it
  | { kind: 'mis-signed'; source: SourceId; sample: string; wrong: MisSigning }
  | { kind: 'meta-verify-abuse'; source: 'facebook' | 'instagram'; check: MetaVerifyAbuse; withBody: boolean }
  | { kind: 'challenge-abuse'; source: 'x' | 'linkedin' | 'standard'; query: Array<[string, string]>; withBody: boolean }
  | { kind: 'odd-path'; method: WireRequest['method']; path: string; carrier: Carrier; forgedFor: SourceId | null };

const sampleOf = (source: SourceId) => fc.constantFrom(...SAMPLES[source]);
const carrierOf = (source: SourceId) => fc.record({ sample: sampleOf(source), encoding: fc.constantFrom(...ENCODINGS), contentType: fc.constantFrom(...CONTENT_TYPES) });
const anySecret = fc.oneof(fc.string({ maxLength: 64 }), fc.uint8Array({ minLength: 16, maxLength: 32 }).map((b) => 'whsec_' + Buffer.from(b).toString('base64')));
/** Query parameters added to a handshake: names that are JavaScript prototype keys, or a repeat of the handshake's own. */
const extraParameters = (repeatable: string) => fc.constantFrom<Array<[string, string]>>(
  [], [], [['__proto__', '1']], [['constructor', 'x']], [['toString', 'x']], [['__proto__[polluted]', '1']], [[repeatable, 'again']]);

/** JSON text of the kind a signing oracle would be asked to sign: a sample delivery, or any JSON object, array or string. */
const jsonText = fc.oneof(
  fc.constantFrom(...Object.values(SAMPLES).flat()).map(sampleText),
  fc.json({ maxDepth: 3 }).filter((s) => /^[[{"]/.test(s)),
);

const misSigning = (source: SourceId): fc.Arbitrary<MisSigning> => {
  const common: Array<fc.Arbitrary<MisSigning>> = [
    fc.constant({ how: 'other-body' as const }),
    fc.record({ how: fc.constant('flipped-body-byte' as const), at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ how: fc.constant('flipped-signature-char' as const), at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) }),
    fc.constant({ how: 'wrong-encoding' as const }),
    fc.constant({ how: 'sha1' as const }),
    fc.record({ how: fc.constant('empty' as const), prefixOnly: fc.boolean() }),
    fc.record({ how: fc.constant('huge' as const), bytes: fc.oneof(fc.integer({ min: 2_000, max: 12_000 }), fc.integer({ min: 17_000, max: 40_000 })) }),
    fc.constant({ how: 'repeated' as const }),
  ];
  if (source !== 'standard') return fc.oneof(...common);
  // Standard Webhooks' own ways of being wrong weigh double, so that each is tried a few times per storm.
  const own: Array<fc.Arbitrary<MisSigning>> = [
    fc.constant({ how: 'other-id' as const }), fc.record({ how: fc.constant('other-timestamp' as const), by: fc.integer({ min: 1, max: 240 }) }),
    fc.constant({ how: 'missing-id' as const }), fc.constant({ how: 'missing-timestamp' as const }),
    fc.record({ how: fc.constant('unknown-version' as const), version: fc.constantFrom('v1a' as const, 'v2' as const) }),
  ];
  return fc.oneof(...common.map((arbitrary) => ({ weight: 1, arbitrary })), ...own.map((arbitrary) => ({ weight: 2, arbitrary })));
};

type Query = Array<[string, string]>;
/** Handshake GETs asking X or LinkedIn to sign JSON (either would then be a signing oracle), or Standard Webhooks, which has no handshake. */
const challengeAbuse = (sources: Array<'x' | 'linkedin' | 'standard'>): fc.Arbitrary<HostileCase> => fc.constantFrom(...sources).chain((source) => {
  const query: fc.Arbitrary<Query> = source === 'x'
    ? fc.oneof(jsonText.map((t): Query => [['crc_token', t]]), jsonText.map((t): Query => [['crc_token', 'abc'], ['crc_token', t]]))
    : source === 'linkedin'
      ? fc.tuple(jsonText, fc.option(fc.stringMatching(/^[0-9]{1,12}$/), { nil: undefined }))
        .map(([t, app]): Query => app === undefined ? [['challengeCode', t]] : [['challengeCode', t], ['applicationId', app]])
      : jsonText.map((t): Query => [['crc_token', t], ['challengeCode', t]]);
  const withExtra = fc.tuple(query, extraParameters(source === 'linkedin' ? 'challengeCode' : 'crc_token')).map(([q, extra]): Query => [...q, ...extra]);
  return fc.record({ kind: fc.constant('challenge-abuse' as const), source: fc.constant(source), query: withExtra, withBody: fc.boolean() });
});

/** Meta subscription checks without the source's own verify token, with JSON or numeric challenges. */
const metaVerifyAbuse = (sources: Array<'facebook' | 'instagram'>): fc.Arbitrary<HostileCase> => fc.record({
  kind: fc.constant('meta-verify-abuse' as const), source: fc.constantFrom(...sources), withBody: fc.boolean(),
  check: fc.record({
    mode: fc.constantFrom('subscribe', 'unsubscribe', '', null),
    token: fc.oneof(fc.record({ wrong: fc.string({ maxLength: 40 }) }), fc.constantFrom('absent' as const, 'other-meta-source' as const)),
    challenge: fc.oneof(jsonText, fc.integer({ min: 0 }).map(String), fc.constant(null)),
    extra: extraParameters('hub.mode'),
  }),
});

/** Paths that are not a configured source's: unknown ids, case and slash variants, prototype names, broken escapes, over-long segments. */
const ODD_PATHS = [
  '/webhooks/X', '/webhooks/Facebook', '/webhooks/LINKEDIN', '/webhooks/x/', '/webhooks//x', '/webhooks/x/extra', '/webhooks/standard/v1',
  '/webhooks/__proto__', '/webhooks/constructor', '/webhooks/prototype', '/webhooks/hasOwnProperty', '/webhooks/toString',
  '/webhooks/%E0%A4%A', '/webhooks/%zz', '/webhooks/%', `/webhooks/${'a'.repeat(150)}`, '/webhooks', '/webhooks/', '/webhook/x', '/Webhooks/x',
  '/webhooks/x%2F..%2F..%2Fv1%2Fevents', '/webhooks/..%2Fv1%2Fevents', '/webhooks/%2e%2e', '/webhooks/standard%00', '/webhooks/linkedin%20',
  '/webhooks/x.json', '/webhooks/x;', '/webhooks/*', '/webhooks/:source', '/v1/webhooks/x',
];
const unknownSourcePath = fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/).filter((id) => !(SOURCES as readonly string[]).includes(id)).map((id) => `/webhooks/${id}`);

/**
 * Every kind of hostile request against `sources`, and odd paths beside them. The weights add up to
 * 100; the big ones (oversized bodies, up to 10 MiB each) are 1 request in 100.
 */
export function hostileCase(sources: readonly SourceId[] = SOURCES): fc.Arbitrary<HostileCase> {
  const source = fc.constantFrom(...sources);
  const perSource = <T>(build: (s: SourceId) => fc.Arbitrary<T>) => source.chain(build);
  const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
  const standardSample = sampleOf('standard');
  const meta = sources.filter((s): s is 'facebook' | 'instagram' => s === 'facebook' || s === 'instagram');
  const challenged = sources.filter((s): s is 'x' | 'linkedin' | 'standard' => s === 'x' || s === 'linkedin' || s === 'standard');
  const cases: Array<fc.WeightedArbitrary<HostileCase>> = [
    { weight: 16, arbitrary: perSource((s) => fc.record({ kind: fc.constant('forged' as const), source: fc.constant(s), carrier: carrierOf(s), wrongSecret: anySecret })) },
    { weight: 10, arbitrary: perSource((s) => fc.record({ kind: fc.constant('unsigned' as const), source: fc.constant(s), carrier: carrierOf(s) })) },
    { weight: 10, arbitrary: perSource((s) => fc.record({ kind: fc.constant('truncated' as const), source: fc.constant(s), carrier: carrierOf(s), keep: fraction })) },
    { weight: 1, arbitrary: perSource((s) => fc.record({ kind: fc.constant('oversized' as const), source: fc.constant(s), overBy: fc.integer({ min: 1, max: 64 * 1024 }) })) },
    { weight: 6, arbitrary: perSource((s) => fc.record({ kind: fc.constant('refused-encoding' as const), source: fc.constant(s), sample: sampleOf(s), encoding: fc.constantFrom(...REFUSED_ENCODINGS) })) },
    { weight: 6, arbitrary: perSource((s) => fc.record({ kind: fc.constant('refused-content-type' as const), source: fc.constant(s), sample: sampleOf(s), contentType: fc.constantFrom(...REFUSED_CONTENT_TYPES) })) },
    { weight: 24, arbitrary: perSource((s) => fc.record({ kind: fc.constant('mis-signed' as const), source: fc.constant(s), sample: sampleOf(s), wrong: misSigning(s) })) },
    { weight: 8, arbitrary: fc.record({
      kind: fc.constant('odd-path' as const), method: fc.constantFrom('POST' as const, 'POST' as const, 'GET' as const, 'PUT' as const, 'PATCH' as const, 'DELETE' as const),
      path: fc.oneof(fc.constantFrom(...ODD_PATHS), unknownSourcePath), forgedFor: fc.option(source, { nil: null }), carrier: carrierOf('x'),
    }) },
  ];
  if (sources.includes('standard')) {
    cases.push(
      // ±5 minutes is the window (Standard Webhooks' reference libraries); 330 s leaves a margin for the clock.
      { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('stale' as const, 'future' as const), sample: standardSample,
        skewSeconds: fc.oneof(fc.integer({ min: 330, max: 3_600 }), fc.integer({ min: 3_600, max: 10 * 365 * 86_400 })) }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('bad-timestamp' as const), sample: standardSample, timestamp: fc.oneof(
        // Arabic-Indic digits of a 2021 time, sent as their UTF-8 bytes (a header value is bytes).
        fc.constantFrom('', ' ', 'NaN', 'Infinity', '-1', '0', 'null', 'now', '1e9', '0x0', '99999999999999999999999', Buffer.from('١٦١٤٢٦٥٣٣٠').toString('latin1')),
        fc.stringMatching(/^[!-/:-~]{1,12}$/)) }) },
    );
  }
  if (meta.length > 0) cases.push({ weight: 6, arbitrary: metaVerifyAbuse(meta) });
  if (challenged.length > 0) cases.push({ weight: 6, arbitrary: challengeAbuse(challenged) });
  return fc.oneof(...cases);
}

// ---- From case to bytes -------------------------------------------------------------------------

/** A Standard Webhooks message id, the same for every case: only the signature decides. */
const MESSAGE_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const contentTypeHeader = (contentType: string | null) => contentType === null ? [] : ['content-type', contentType];
const query = (pairs: Array<[string, string]>) => pairs.length === 0 ? '' : '?' + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

/** Signature headers for `body` under `secret` (Standard's stamp headers first), as the network would write them. */
function signatureHeaders(source: SourceId, target: Target, secret: string, body: Buffer, stamp: StandardStamp): string[] {
  const mac = macOf(source, secret, body, { stamp, linkedinReadingB: target.linkedin.readingB });
  const signature = [SIGNATURE_HEADER[source], present(source, mac, { linkedinPrefix: target.linkedin.prefix })];
  return source === 'standard' ? [...stampHeaders(stamp), ...signature] : signature;
}
const rightlySigned = (source: SourceId, target: Target, body: Buffer, stamp: StandardStamp) => signatureHeaders(source, target, target.secrets[source], body, stamp);

/** The request a mis-signing makes of `body`: signed with the right secret, yet not a valid signature of what is sent. */
function misSigned(source: SourceId, target: Target, text: string, wrong: MisSigning, now: Date): { headers: string[]; body: Buffer } {
  const body = Buffer.from(text);
  const stamp = { id: MESSAGE_ID, timestamp: String(unixNow(now)) };
  const header = SIGNATURE_HEADER[source];
  const secret = target.secrets[source];
  const mac = (of: Buffer, options: { algorithm?: 'sha1'; stamp?: StandardStamp } = {}) => macOf(source, secret, of, { stamp, linkedinReadingB: target.linkedin.readingB, ...options });
  const written = (m: Buffer, encoding?: 'base64' | 'hex') => present(source, m, { linkedinPrefix: target.linkedin.prefix, encoding });
  const stamped = (headers: string[], s: StandardStamp = stamp) => source === 'standard' ? [...stampHeaders(s), ...headers] : headers;
  const otherBody = Buffer.from(text + ' ');
  switch (wrong.how) {
    case 'other-body': return { body, headers: stamped([header, written(mac(otherBody))]) };
    case 'flipped-body-byte': {
      const changed = Buffer.from(body);
      const at = Math.floor(wrong.at * changed.length);
      changed[at] = changed[at]! ^ wrong.mask;
      return { body: changed, headers: stamped([header, written(mac(body))]) };
    }
    case 'flipped-signature-char': {
      const value = written(mac(body));
      const hex = ENCODING_OF[source] === 'hex';
      const alphabet = hex ? '0123456789abcdef' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      // Not base64's last character before the padding: two of its bits are not part of the MAC.
      const at = value.length - DIGEST_LENGTH[ENCODING_OF[source]] + Math.floor(wrong.at * (hex ? 64 : 42));
      const replaced = alphabet[(alphabet.indexOf(value[at]!) + 1) % alphabet.length]!;
      return { body, headers: stamped([header, value.slice(0, at) + replaced + value.slice(at + 1)]) };
    }
    case 'wrong-encoding': return { body, headers: stamped([header, written(mac(body), source === 'x' || source === 'standard' ? 'hex' : 'base64')]) };
    case 'sha1': {
      const sha1 = mac(body, { algorithm: 'sha1' });
      return { body, headers: stamped(source === 'facebook' || source === 'instagram' ? ['x-hub-signature', `sha1=${sha1.toString('hex')}`] : [header, written(sha1)]) };
    }
    case 'empty': {
      const value = written(mac(body));
      return { body, headers: stamped([header, wrong.prefixOnly ? value.slice(0, value.length - DIGEST_LENGTH[ENCODING_OF[source]]) : '']) };
    }
    case 'huge': {
      // Standard Webhooks: hundreds of wrong `v1` signatures to try; the others: one endless value.
      const unit = source === 'standard' ? `v1,${createHmac('sha256', 'wrong').update(body).digest('base64')} ` : 'A';
      return { body, headers: stamped([header, (written(mac(otherBody)) + ' ' + unit.repeat(Math.ceil(wrong.bytes / unit.length))).slice(0, wrong.bytes)]) };
    }
    case 'repeated': return { body, headers: stamped([header, written(mac(otherBody)), header, present(source, macOf(source, 'not-the-secret', body, { stamp }))]) };
    case 'other-id': return { body, headers: stamped([header, written(mac(body))], { ...stamp, id: `${MESSAGE_ID}x` }) };
    case 'other-timestamp': return { body, headers: stamped([header, written(mac(body))], { ...stamp, timestamp: String(unixNow(now) - wrong.by) }) };
    case 'missing-id': return { body, headers: ['webhook-timestamp', stamp.timestamp, header, written(mac(body))] };
    case 'missing-timestamp': return { body, headers: ['webhook-id', stamp.id, header, written(mac(body))] };
    case 'unknown-version': return { body, headers: stamped([header, written(mac(body)).replace(/^v1,/, `${wrong.version},`)]) };
  }
}

/** A JSON body of exactly `bytes` bytes. */
const paddedJson = (bytes: number) => Buffer.from(`{"pad":"${'x'.repeat(Math.max(0, bytes - 10))}"}`);

/** The request `c` describes, against `target`, at `now` (Standard Webhooks' timestamps are relative to it). */
export function materialise(c: HostileCase, target: Target, now: Date): WireRequest {
  const fresh: StandardStamp = { id: MESSAGE_ID, timestamp: String(unixNow(now)) };
  const json = ['content-type', 'application/json'];
  const post = (source: SourceId, headers: string[], body: Buffer): WireRequest => ({ method: 'POST', path: `/webhooks/${source}`, headers, body });
  const carried = (carrier: Carrier) => encodeBody(sampleText(carrier.sample), carrier.encoding);
  switch (c.kind) {
    case 'forged': {
      const body = carried(c.carrier);
      return post(c.source, [...contentTypeHeader(c.carrier.contentType), ...signatureHeaders(c.source, target, c.wrongSecret, body, fresh)], body);
    }
    case 'unsigned': return post(c.source, [...contentTypeHeader(c.carrier.contentType), ...(c.source === 'standard' ? stampHeaders(fresh) : [])], carried(c.carrier));
    case 'truncated': {
      const whole = carried(c.carrier);
      return post(c.source, [...contentTypeHeader(c.carrier.contentType), ...rightlySigned(c.source, target, whole, fresh)], whole.subarray(0, Math.floor(c.keep * whole.length)));
    }
    case 'oversized': {
      const body = paddedJson(target.bodyLimits[c.source] + c.overBy);
      return post(c.source, [...json, ...rightlySigned(c.source, target, body, fresh)], body);
    }
    case 'refused-encoding': {
      const body = encodeBody(sampleText(c.sample), c.encoding);
      return post(c.source, [...json, ...rightlySigned(c.source, target, body, fresh)], body);
    }
    case 'refused-content-type': {
      const body = Buffer.from(sampleText(c.sample));
      return post(c.source, [...contentTypeHeader(c.contentType), ...rightlySigned(c.source, target, body, fresh)], body);
    }
    case 'stale': case 'future': case 'bad-timestamp': {
      const body = Buffer.from(sampleText(c.sample));
      const timestamp = c.kind === 'bad-timestamp' ? c.timestamp : String(unixNow(now) + (c.kind === 'stale' ? -c.skewSeconds : c.skewSeconds));
      return post('standard', [...json, ...rightlySigned('standard', target, body, { id: MESSAGE_ID, timestamp })], body);
    }
    case 'mis-signed': {
      const { headers, body } = misSigned(c.source, target, sampleText(c.sample), c.wrong, now);
      return post(c.source, [...json, ...headers], body);
    }
    case 'meta-verify-abuse': {
      const { mode, token, challenge } = c.check;
      const other = c.source === 'facebook' ? 'instagram' : 'facebook';
      const pairs: Array<[string, string]> = [];
      if (mode !== null) pairs.push(['hub.mode', mode]);
      if (token !== 'absent') pairs.push(['hub.verify_token', token === 'other-meta-source' ? target.verifyTokens[other] : token.wrong]);
      if (challenge !== null) pairs.push(['hub.challenge', challenge]);
      pairs.push(...c.check.extra);
      return { method: 'GET', path: `/webhooks/${c.source}${query(pairs)}`, headers: c.withBody ? json : [], body: c.withBody ? Buffer.from(challenge ?? '{}') : undefined };
    }
    case 'challenge-abuse': {
      const body = c.withBody ? Buffer.from(c.query[c.query.length - 1]![1]) : undefined;
      return { method: 'GET', path: `/webhooks/${c.source}${query(c.query)}`, headers: c.withBody ? json : [], body };
    }
    case 'odd-path': {
      const body = carried(c.carrier);
      const signature = c.forgedFor === null ? [] : signatureHeaders(c.forgedFor, target, 'not-the-secret', body, fresh);
      return { method: c.method, path: c.path, headers: [...contentTypeHeader(c.carrier.contentType), ...signature], body: c.method === 'GET' ? undefined : body };
    }
  }
}
