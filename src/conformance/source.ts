import { ParsedEvent, type DeliveryRequest, type HandshakeRequest, type HandshakeResult, type SourceDefinition, type VerifyResult } from '../connectors/index.ts';
import { ContractBroken, Verdicts, expectThat, type ConformanceReport } from './verdict.ts';

/** One real delivery body of the network (the vendor's test fixtures), byte for byte. */
export interface SourceSample {
  /** For messages (`docs-tweet-create.json`). */
  name: string;
  body: Buffer | string;
}

/**
 * What a vendor gives the kit for a source. `B` is the source block as written in `parley.yaml`
 * (before `configSchema`): the kit parses it, and gives it as written to `sign`.
 */
export interface SourceConformanceOptions<C = unknown, B = unknown> {
  definition: SourceDefinition<C>;
  /** The source's block in `parley.yaml`, with test secrets. */
  config: B;
  /** Deliveries to verify and parse; at least one must yield events. */
  samples: readonly SourceSample[];
  /**
   * Signs a body as the network does: the headers a genuine delivery of `rawBody` carries (lower-case
   * names), including the signature header. Only the vendor knows the scheme, so the vendor supplies it.
   */
  sign: (rawBody: Buffer, config: B) => Record<string, string>;
  /** A handshake GET the network sends, required when the definition has `handshake`. */
  handshake?: {
    query: Record<string, string>;
    headers?: Record<string, string>;
    /** Extra check of the answer (the expected echo or HMAC): a message when it is wrong, undefined when right. */
    check?: (result: HandshakeResult) => string | undefined;
  };
}

/** The contracts a source is checked against, in order; each report has one verdict per name. */
export const SOURCE_CONTRACTS = [
  'config',
  'handshake.answers',
  'handshake.refuses-bad-request',
  'signature.good',
  'signature.tampered',
  'signature.missing',
  'signature.garbage-never-throws',
  'parse.valid-events',
  'parse.unique-keys',
  'parse.stable-keys',
] as const;

/** Signature header values no verifier may accept or throw on. */
const GARBAGE_VALUES: ReadonlyArray<string | string[]> = [
  '', ' ', '=', 'sha256=', 'sha256=zz', 'v1,', 'hmacsha256=', 'x'.repeat(20_000), '\u0000\uffff\ud800', '%E0%A4%A', ['a', 'b'], [],
];

/**
 * Checks a source connector against the SDK's contracts and answers one verdict per contract
 * (`SOURCE_CONTRACTS`). Never throws for a broken connector: a contract it breaks is a `failed`
 * verdict naming it. Parse is awaited (it may be asynchronous).
 */
export async function checkSourceConformance<C, B>(options: SourceConformanceOptions<C, B>): Promise<ConformanceReport> {
  const { definition } = options;
  const verdicts = new Verdicts();
  const samples = options.samples.map((s) => ({ name: s.name, body: typeof s.body === 'string' ? Buffer.from(s.body) : s.body }));
  let config: C | undefined;
  const configured = await verdicts.run('config', () => {
    const parsed = definition.configSchema.safeParse(options.config);
    expectThat(parsed.success, `configSchema refused the test config: ${parsed.success ? '' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    config = parsed.data;
    expectThat(samples.length > 0, 'no samples given: the kit needs at least one real delivery body');
    return `config parsed; ${samples.length} sample(s)`;
  });
  if (!configured || config === undefined) {
    for (const contract of SOURCE_CONTRACTS.slice(1)) verdicts.fail(contract, 'not checked: the config contract failed');
    return verdicts.report(definition.id, 'source');
  }
  const cfg = config;

  await checkHandshake(verdicts, options, cfg);

  const verify = (headers: DeliveryRequest['headers'], rawBody: Buffer): VerifyResult => definition.verify({ headers, rawBody, receivedAt: new Date() }, cfg);
  const signed = samples.map((sample) => ({ ...sample, headers: lowerCase(options.sign(sample.body, options.config)) }));

  await verdicts.run('signature.good', () => {
    for (const s of signed) {
      const result = verify(s.headers, s.body);
      expectThat(result.ok, `verify refused the correctly signed sample ${s.name} (${describeVerify(result)})`);
    }
    return `${signed.length} signed sample(s) accepted`;
  });
  await verdicts.run('signature.tampered', () => {
    for (const s of signed) {
      const tampered = Buffer.from(s.body);
      const at = Math.floor(tampered.length / 2);
      tampered[at] = tampered[at]! ^ 0x01;
      const result = verify(s.headers, tampered);
      expectThat(!result.ok, `verify accepted sample ${s.name} with one byte changed (byte ${at}): the signature must cover the raw body`);
      expectThat(result.reason === 'mismatch', `a tampered body must be a "mismatch", got "${result.reason}" on ${result.header} for ${s.name}`);
    }
    return 'one byte changed in each sample: refused as mismatch';
  });
  await verdicts.run('signature.missing', () => {
    const s = signed[0]!;
    const headers = { ...s.headers };
    delete headers[definition.signatureHeader];
    const result = verify(headers, s.body);
    expectThat(!result.ok, `verify accepted ${s.name} without its ${definition.signatureHeader} header`);
    expectThat(result.reason === 'missing', `a delivery without ${definition.signatureHeader} must be "missing", got "${result.reason}"`);
    const bare = verify({}, s.body);
    expectThat(!bare.ok && bare.reason === 'missing', `a delivery with no headers at all must be refused as "missing", got ${describeVerify(bare)}`);
    return `no ${definition.signatureHeader}: refused as missing`;
  });
  await verdicts.run('signature.garbage-never-throws', () => {
    const s = signed[0]!;
    for (const value of GARBAGE_VALUES) {
      let result: VerifyResult;
      try {
        result = verify({ ...s.headers, [definition.signatureHeader]: value as never }, s.body);
      } catch (error) {
        throw new ContractBroken(`verify threw on the header value ${JSON.stringify(value).slice(0, 40)}: verify must never throw (${(error as Error).message})`);
      }
      expectThat(!result.ok, `verify accepted the garbage signature ${JSON.stringify(value).slice(0, 40)}`);
    }
    return `${GARBAGE_VALUES.length} garbage values refused without throwing`;
  });

  await checkParse(verdicts, definition, cfg, signed);
  return verdicts.report(definition.id, 'source');
}

async function checkHandshake<C, B>(verdicts: Verdicts, options: SourceConformanceOptions<C, B>, config: C): Promise<void> {
  const handshake = options.definition.handshake;
  if (!handshake) {
    verdicts.skip('handshake.answers', 'the source has no handshake');
    verdicts.skip('handshake.refuses-bad-request', 'the source has no handshake');
    return;
  }
  await verdicts.run('handshake.answers', () => {
    expectThat(options.handshake, 'the definition has a handshake but the kit was given no handshake request (options.handshake.query)');
    const request: HandshakeRequest = { headers: options.handshake.headers ?? {}, query: options.handshake.query };
    const result = handshake(request, config);
    expectThat(result.ok, `the handshake refused the network's request: ${result.ok ? '' : `${result.reason}: ${result.message}`}`);
    const problem = options.handshake.check?.(result);
    expectThat(problem === undefined, `the handshake's answer is wrong: ${problem}`);
    return `answered ${result.contentType}`;
  });
  await verdicts.run('handshake.refuses-bad-request', () => {
    const result = handshake({ headers: {}, query: {} }, config);
    expectThat(!result.ok, 'the handshake answered a request with no query parameters: it must refuse what the network never sends');
    return `a request without parameters refused (${result.reason})`;
  });
}

async function checkParse<C>(verdicts: Verdicts, definition: SourceDefinition<C>, config: C, signed: Array<{ name: string; body: Buffer; headers: Record<string, string> }>): Promise<void> {
  const kept = (headers: Record<string, string>) => Object.fromEntries((definition.keptHeaders ?? []).flatMap((name) => (headers[name] === undefined ? [] : [[name, headers[name]!]])));
  const receivedAt = new Date();
  const parseOnce = async (s: (typeof signed)[number]) => definition.parse(JSON.parse(s.body.toString('utf8')) as unknown, { receivedAt, config, headers: kept(s.headers) });
  const firstKeys = new Map<string, string[]>();
  const parsed = await verdicts.run('parse.valid-events', async () => {
    let total = 0;
    for (const s of signed) {
      let events: unknown[];
      try {
        events = await parseOnce(s);
      } catch (error) {
        throw new ContractBroken(`parse threw on sample ${s.name}: ${(error as Error).message}`);
      }
      expectThat(Array.isArray(events), `parse of ${s.name} did not answer an array`);
      events.forEach((event, i) => {
        const check = ParsedEvent.safeParse(event);
        const issue = check.success ? undefined : check.error.issues[0];
        expectThat(check.success, `event ${i} of ${s.name} is not a valid canonical event: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
      });
      firstKeys.set(s.name, (events as ParsedEvent[]).map((e) => e.key));
      total += events.length;
    }
    expectThat(total > 0, 'no sample yielded any event: give samples that carry activity');
    return `${total} event(s) from ${signed.length} sample(s), all valid`;
  });
  if (!parsed) {
    verdicts.fail('parse.unique-keys', 'not checked: parse.valid-events failed');
    verdicts.fail('parse.stable-keys', 'not checked: parse.valid-events failed');
    return;
  }
  await verdicts.run('parse.unique-keys', () => {
    for (const [name, keys] of firstKeys) {
      const seen = new Set<string>();
      for (const key of keys) {
        expectThat(!seen.has(key), `sample ${name} yields two events with the key "${key}": keys name one item each`);
        seen.add(key);
      }
    }
    return 'keys unique within each delivery';
  });
  await verdicts.run('parse.stable-keys', async () => {
    for (const s of signed) {
      const again = (await parseOnce(s)).map((e) => e.key);
      const first = firstKeys.get(s.name)!;
      expectThat(JSON.stringify(again) === JSON.stringify(first), `parsing ${s.name} twice gave different keys (${first.slice(0, 3).join(', ')} … then ${again.slice(0, 3).join(', ')} …): deduplication needs stable keys`);
    }
    return 'the same keys on a second parse';
  });
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function describeVerify(result: VerifyResult): string {
  return result.ok ? 'ok' : `${result.reason} on ${result.header}`;
}
