import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One delivery the receiver got: its headers, its JSON body, and whether its Standard Webhooks signature checks out under the key. */
export interface ReceivedAlert {
  headers: IncomingHttpHeaders;
  body: { type: string; incident: { id: string }; count: number; group: string };
  signed: boolean;
}

/**
 * A local webhook receiver on 127.0.0.1 that checks each delivery's Standard Webhooks signature
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under `key`). It answers the statuses queued in
 * `answers` in turn, then 200.
 */
export async function alertReceiver(key: Buffer) {
  const received: ReceivedAlert[] = [];
  const answers: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers['webhook-id']), timestamp = String(req.headers['webhook-timestamp']);
      const expected = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
      received.push({ headers: req.headers, body: JSON.parse(body) as never, signed: String(req.headers['webhook-signature']).split(' ').includes(expected) });
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, received, answers, close: () => new Promise<void>((r) => server.close(() => r())) };
}
