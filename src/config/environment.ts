import { resolve } from 'node:path';
import { INSTANCE_ID } from '../instance-id.ts';

/** The process-level settings Parley reads from the environment (ARCHITECTURE.md "Fixed interfaces"). */
export interface Environment {
  /** Interface to listen on (`HOST`, default `0.0.0.0`). */
  host: string;
  /** TCP port (`PORT`, default 3000). */
  port: number;
  /** Absolute path of the YAML config (`PARLEY_CONFIG`, default `./parley.yaml`). */
  configPath: string;
  /** Absolute path of the data folder (`PARLEY_DATA_DIR`, default `./data`). */
  dataDir: string;
  /**
   * This instance's stable name in the outbox's leases (`PARLEY_INSTANCE_ID`; unset: an id kept in
   * the data folder, see instance-id.ts). A restart under the same id takes its leases over at once.
   */
  instanceId?: string;
  /** pino level (`LOG_LEVEL`, default `info`). */
  logLevel: string;
  /** `LOG_FORMAT`: `json` (one JSON object a line, the default) or `pretty` (for people; the default on a terminal). */
  logFormat: 'json' | 'pretty';
  /** The whole environment, for `${VAR}` substitution in the config. */
  variables: Readonly<Record<string, string | undefined>>;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A setting of the environment that is out of range. */
export interface EnvironmentProblem { variable: string; problem: string }

/**
 * Reads the environment. The only place in Parley that looks at `process.env`; everything else
 * gets an `Environment`. Returns problems instead of throwing, so start-up can list them all.
 */
export function readEnvironment(env: Readonly<Record<string, string | undefined>> = process.env, cwd = process.cwd(), terminal = process.stdout.isTTY === true):
  { environment: Environment; problems: EnvironmentProblem[] } {
  const problems: EnvironmentProblem[] = [];
  const portText = env.PORT ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 0 || port > 65535) problems.push({ variable: 'PORT', problem: `"${portText}" is not a TCP port (0-65535)` });
  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) problems.push({ variable: 'LOG_LEVEL', problem: `"${env.LOG_LEVEL}" is not one of ${LOG_LEVELS.join(', ')}` });
  const logFormat = (env.LOG_FORMAT || (terminal ? 'pretty' : 'json')).toLowerCase();
  if (logFormat !== 'json' && logFormat !== 'pretty') problems.push({ variable: 'LOG_FORMAT', problem: `"${env.LOG_FORMAT}" is not one of json, pretty` });
  const instanceId = env.PARLEY_INSTANCE_ID;
  if (instanceId !== undefined && instanceId !== '' && !INSTANCE_ID.test(instanceId)) {
    problems.push({ variable: 'PARLEY_INSTANCE_ID', problem: `"${instanceId}" is not an instance id (1-200 of A-Z a-z 0-9 . _ : @ -)` });
  }
  return {
    environment: {
      host: env.HOST || '0.0.0.0',
      port,
      configPath: resolve(cwd, env.PARLEY_CONFIG || './parley.yaml'),
      dataDir: resolve(cwd, env.PARLEY_DATA_DIR || './data'),
      ...(instanceId ? { instanceId } : {}),
      logLevel,
      logFormat: logFormat === 'pretty' ? 'pretty' : 'json',
      variables: env,
    },
    problems,
  };
}
