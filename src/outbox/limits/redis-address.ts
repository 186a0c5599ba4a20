/**
 * Where a Redis URL points, as `host:port`, for logs: the URL itself may hold a user name and a
 * password, so it is never logged. An unparsable URL gives `(unparsable Redis URL)`, not its text.
 */
export function redisAddress(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(unparsable Redis URL)';
  }
  return `${parsed.hostname}:${parsed.port || '6379'}`;
}
