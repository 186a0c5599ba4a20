import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';

/** A fake server on 127.0.0.1; `close()` ends its connections too. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Each request as `METHOD /path?query`, in arrival order, with its Authorization header. */
  seen: Array<{ line: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

/** An HTTP server that records each request and answers with `answer` once the body is read. */
export async function fakeHttpServer(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<FakeServer> {
  const seen: FakeServer['seen'] = [];
  const server = createHttpServer((req, res) => {
    seen.push({ line: `${req.method} ${req.url}`, authorization: req.headers.authorization });
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A TCP server that accepts connections and never answers: a CRM that hangs. */
export async function silentServer(): Promise<Omit<FakeServer, 'seen'> & { connections: () => number }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => { sockets.add(socket); socket.on('error', () => undefined); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    connections: () => sockets.size,
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}
