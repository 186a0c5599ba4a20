import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Scope } from '../config/schema.ts';
import { errors } from '../errors.ts';

const RANK: Record<Scope, number> = { read: 0, operate: 1, admin: 2 };

/** A configured key, without the key itself. */
export interface ApiPrincipal { name: string; scope: Scope }

/** Checks bearer keys: `read` < `operate` < `admin`. */
export interface ApiKeyChecker {
  /**
   * A Fastify preHandler requiring `scope`.
   * @throws PARLEY_API_UNAUTHORIZED (no or unknown key, 401), PARLEY_API_FORBIDDEN (scope too small, 403)
   */
  require(scope: Scope): (request: FastifyRequest) => Promise<void>;
}

// Who made each authenticated request, for what it records (a resync's `requestedBy`, an audit).
const principals = new WeakMap<FastifyRequest, ApiPrincipal>();

/** The key that authenticated `request` (its name and scope), once a `require` handler let it through. */
export function principalOf(request: FastifyRequest): ApiPrincipal | undefined {
  return principals.get(request);
}

// Keys are looked up by their SHA-256, so the lookup's timing says nothing about a key's bytes.
const digest = (key: string) => createHash('sha256').update(key).digest('hex');

export function createApiKeyChecker(keys: ReadonlyArray<{ name: string; key: string; scope: Scope }>): ApiKeyChecker {
  const byDigest = new Map(keys.map((k) => [digest(k.key), { name: k.name, scope: k.scope } satisfies ApiPrincipal]));
  return {
    require(scope) {
      return async (request) => {
        const header = request.headers.authorization;
        if (!header) throw errors.API_UNAUTHORIZED({ reason: 'no Authorization header' });
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (!match) throw errors.API_UNAUTHORIZED({ reason: 'the Authorization header is not "Bearer <key>"' });
        const principal = byDigest.get(digest(match[1]!));
        if (!principal) throw errors.API_UNAUTHORIZED({ reason: 'unknown API key' });
        if (RANK[principal.scope] < RANK[scope]) throw errors.API_FORBIDDEN({ required: scope, scope: principal.scope });
        principals.set(request, principal);
      };
    },
  };
}
