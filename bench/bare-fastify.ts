// The reference for bench:intake: a bare Fastify route that answers 200 without verifying or storing.
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
app.post('/webhooks/x', async () => ({ ok: true }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.send?.('ready');
