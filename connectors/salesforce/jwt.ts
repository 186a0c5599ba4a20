import { createPrivateKey, sign } from 'node:crypto';

/**
 * The assertion of Salesforce's OAuth 2.0 JWT bearer flow: header `{"alg":"RS256"}`, claims `iss`
 * (the connected app's client id), `sub` (the username), `aud` (the login host) and `exp` (epoch
 * seconds, at most 3 minutes ahead), signed RS256 (Salesforce Help: "OAuth 2.0 JWT Bearer Flow for
 * Server-to-Server Integration"). jsforce does not sign JWTs itself.
 * @throws Error when `privateKeyPem` is not a PEM private key
 */
export function jwtAssertion(claims: { clientId: string; username: string; audience: string }, privateKeyPem: string, nowMs: number): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'RS256' });
  const payload = encode({ iss: claims.clientId, sub: claims.username, aud: claims.audience, exp: Math.floor(nowMs / 1000) + 180 });
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), createPrivateKey(privateKeyPem)).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

/** The JWT `aud` Salesforce expects for a login URL. */
export function defaultAudience(loginUrl: string): string {
  return /test\.salesforce\.com|\.sandbox\.my\.salesforce\.com/.test(loginUrl) ? 'https://test.salesforce.com' : 'https://login.salesforce.com';
}
