import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundClient } from '../src/connectors/outbound.ts';
import { connectDestination, type DestinationContext, type UsageReading } from '../src/connectors/index.ts';
import { startSalesforceSandbox, type RunningSandbox } from './helpers/salesforce-sandbox.ts';
import { SalesforceConfig } from '../connectors/salesforce/config.ts';
import salesforce from '../connectors/salesforce/index.ts';

// The connector's usage call (issue 17, item 9) against the sandbox, which serves GET /limits and
// Sforce-Limit-Info from the daily limit and usage `_faults` sets.
let sandbox: RunningSandbox;
beforeAll(async () => { sandbox = await startSalesforceSandbox(); });
afterAll(async () => sandbox.close());

async function connect() {
  const readings: UsageReading[] = [];
  const log = () => undefined;
  const context: DestinationContext = {
    name: 'salesforce', sandboxUrl: sandbox.base,
    outbound: (baseUrl) => createOutboundClient({ destination: 'salesforce', baseUrl, trustedDomains: salesforce.trustedDomains ?? [] }),
    logger: { debug: log, info: log, warn: log, error: log },
  };
  const client = await connectDestination(salesforce, SalesforceConfig.parse({ flow: 'client_credentials', clientId: 'parley-demo', clientSecret: 'parley-demo-secret' }), context,
    { onUsage: (reading) => readings.push(reading) });
  return { client, readings };
}

describe('Salesforce: reading the daily API quota with GET /limits', () => {
  it('answers the org\'s usage with one /limits call, and passes it on like every reading', async () => {
    const { client, readings } = await connect();
    try {
      await sandbox.faults({ dailyLimit: 1000, apiUsage: 950 });
      const before = await sandbox.stats();
      const reading = await client.refreshUsage!();
      const after = await sandbox.stats();
      // The /limits call itself is counted, as Salesforce counts it.
      expect(reading).toMatchObject({ used: 951, limit: 1000, at: expect.any(Date) });
      expect(after.totalCalls - before.totalCalls).toBe(1);
      expect(after.calls['GET /limits']! - (before.calls['GET /limits'] ?? 0)).toBe(1);
      expect(readings.at(-1)).toEqual(reading);
      expect(client.usage()).toEqual(reading);
    } finally {
      await sandbox.faults({ dailyLimit: 15_000, apiUsage: 0 });
      await client.close();
    }
  });

  it('rejects while the org\'s quota is spent (403 REQUEST_LIMIT_EXCEEDED), and reads it again once it is back', async () => {
    const { client } = await connect();
    try {
      await sandbox.faults({ dailyLimit: 1000, apiUsage: 1000 });
      await expect(client.refreshUsage!()).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });
      await sandbox.faults({ dailyLimit: 15_000, apiUsage: 0 });
      expect(await client.refreshUsage!()).toMatchObject({ used: 1, limit: 15_000 });
    } finally {
      await sandbox.faults({ dailyLimit: 15_000, apiUsage: 0 });
      await client.close();
    }
  });
});
