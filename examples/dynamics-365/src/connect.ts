import { destinationConfigError, type DestinationContext, type DestinationSession } from 'parley/sdk';
import { catalogTables, endpoints, type DynamicsConfig } from './config.ts';
import { DataverseError, failureOf } from './dataverse-error.ts';
import { DataverseSession } from './session.ts';
import { TokenSource } from './token.ts';

/**
 * Connects to an environment: a token by client credentials, then `WhoAmI` to prove the app
 * registration has an application user there.
 * @throws ParleyError PARLEY_DESTINATION_CONFIG (no URL and no sandbox; credentials, tenant or
 *   application user refused), PARLEY_DESTINATION_UNREACHABLE (the token endpoint failing), or a
 *   DataverseError (the Web API failing: retried by Parley)
 */
export async function connectDynamics(config: DynamicsConfig, context: DestinationContext): Promise<DestinationSession> {
  const urls = endpoints(config, context.sandboxUrl);
  if (!urls) throw destinationConfigError({ destination: context.name, reason: 'no url is configured and no dynamics-365 sandbox is mounted' });
  const api = context.outbound(urls.orgUrl);
  // The token endpoint is the configured one (login.microsoftonline.com, or the sandbox's): a client of its own.
  const login = context.outbound(urls.tokenUrl);
  const now = context.now ?? (() => new Date());
  const tokens = new TokenSource(login, {
    destination: context.name, tokenUrl: urls.tokenUrl, clientId: config.clientId, clientSecret: config.clientSecret,
    scope: `${urls.orgUrl}/.default`, now: () => now().getTime(),
  });
  const session = new DataverseSession({ api, tokens, orgUrl: urls.orgUrl, tables: catalogTables(config), logger: context.logger, onClose: () => login.close() });
  try {
    await tokens.token();
    const who = await session.whoAmI();
    if (who.status === 401 || who.status === 403) {
      const failure = failureOf(who);
      throw destinationConfigError({ destination: context.name, reason: `the environment refused the app registration (${failure.code}: ${failure.message}); it needs an application user with a security role there`, vendorCode: failure.code, httpStatus: who.status });
    }
    if (who.status !== 200) throw new DataverseError(failureOf(who));
  } catch (error) {
    await session.close().catch(() => undefined);
    throw error;
  }
  if (config.posts === 'socialactivity') {
    context.logger.warn({ destination: context.name, table: 'socialactivity' }, 'posts go to socialactivity, a table Microsoft marks "for internal use only": writing it is unsupported');
  }
  return session;
}
