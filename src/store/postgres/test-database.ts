import pg from 'pg';

/** The PostgreSQL the tests use: 127.0.0.1:5432, trust auth, database `test` (CI starts it). */
export const TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether the tests' PostgreSQL answers. With `CI=true` the suites run whatever this says, so a
 * missing PostgreSQL fails them there; locally they are skipped, saying why.
 */
export async function testDatabaseAnswers(url = TEST_DATABASE_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
