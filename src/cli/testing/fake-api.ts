import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CliIo } from '../io.ts';
import { runCli } from '../program.ts';

/** A request the fake API received. */
export interface Received { method: string; path: string; query: URLSearchParams; headers: IncomingHttpHeaders; body: unknown }

/** What the fake API answers: a status and a JSON body (none when `body` is undefined). */
export interface Answer { status: number; body?: unknown; raw?: string; headers?: Record<string, string> }

/** A fake of Parley's ops API on 127.0.0.1, answering from a handler and recording every request. */
export interface FakeApi { url: string; received: Received[]; close: () => Promise<void> }

/** Starts a fake API on a free loopback port; `answer` decides each response. */
export async function startFakeApi(answer: (request: Received) => Answer): Promise<FakeApi> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const text = Buffer.concat(chunks).toString('utf8');
      const request: Received = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body: text ? JSON.parse(text) as unknown : undefined };
      received.push(request);
      const { status, body, raw, headers } = answer(request);
      const payload = raw ?? (body === undefined ? '' : JSON.stringify(body));
      res.writeHead(status, { ...(payload && raw === undefined ? { 'content-type': 'application/json' } : {}), ...headers });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** What one CLI run printed and returned. */
export interface Run { code: number; stdout: string; stderr: string; asked: string[] }

/**
 * Runs the CLI in this process with captured output, the given environment, no real sleeping,
 * and a terminal that answers `answers` in turn (no terminal when `tty` is false); `fetch` replaces
 * the real one (to see where a request would go without sending it).
 */
export async function runParley(argv: string[], options: { env?: Record<string, string>; tty?: boolean; answers?: string[]; fetch?: typeof fetch } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const asked: string[] = [];
  const answers = [...(options.answers ?? [])];
  const io: CliIo = {
    stdout: (text) => { stdout += text; },
    stderr: (text) => { stderr += text; },
    env: options.env ?? {},
    stdinIsTTY: options.tty ?? false,
    ask: async (question) => { asked.push(question); return answers.shift() ?? ''; },
    sleep: async () => {},
    fetch: options.fetch ?? globalThis.fetch,
  };
  const code: number = await runCli(argv, io);
  return { code, stdout, stderr, asked };
}
