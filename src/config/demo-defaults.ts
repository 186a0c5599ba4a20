import { variableAt } from './config-variables.ts';
import type { ParleyConfig } from './schema.ts';

/**
 * The documented demo values of the shipped `parley.yaml` (README, "Try it"): fine on a laptop,
 * never in a deployment. Start-up warns once per one in use, naming the variable that replaces it.
 */
const DEMO_VALUES: ReadonlyArray<{ value: string; what: string }> = [
  { value: 'parley-demo-admin-key', what: 'the documented demo admin API key protects the ops API' },
  { value: 'parley-demo-x-consumer-secret', what: 'the documented demo X consumer secret verifies X deliveries' },
  { value: 'parley-demo-x-bearer-token', what: 'the documented demo X bearer token is what pulls from X API v2 send (the X sandbox accepts it)' },
  { value: 'parley-demo-meta-page-token', what: 'the documented demo Meta Page token is what pulls from the Graph API send (the meta sandbox accepts it)' },
  { value: 'parley-demo-meta-app-secret', what: 'the documented demo Meta app secret verifies Facebook and Instagram deliveries' },
  { value: 'parley-demo-meta-verify-token', what: 'the documented demo Meta verify token answers Meta\'s subscription handshake' },
  { value: 'parley-demo-linkedin-client-secret', what: 'the documented demo LinkedIn client secret verifies LinkedIn deliveries' },
  { value: 'whsec_cGFybGV5LWRlbW8tc3RhbmRhcmQtd2ViaG9vaw==', what: 'the documented demo Standard Webhooks secret verifies listening-tool deliveries' },
  { value: 'parley-demo-secret', what: 'the demo credentials (parley-demo / parley-demo-secret) log in to the CRM' },
];

/** One demo default in use: what it is, the config key, and what replaces it. */
export interface DemoDefault {
  /** The config key (`sources.x.consumerSecret`). */
  key: string;
  what: string;
  /** What to set instead (`X_CONSUMER_SECRET`, or a config change). */
  replaceWith: string;
  /** The sentence that says what to do. */
  fix: string;
}

/**
 * Finds the demo defaults a config uses: documented demo secrets (wherever they appear), mounted
 * sandboxes, and destinations that write to a mounted sandbox instead of a real CRM.
 * @param raw the parsed YAML before `${VAR}` substitution, to name the variable a value came from
 */
export function demoDefaultsInUse(config: ParleyConfig, raw: unknown): DemoDefault[] {
  const found: DemoDefault[] = [];
  const visit = (value: unknown, rawValue: unknown, path: string[]) => {
    if (typeof value === 'string') {
      const demo = DEMO_VALUES.find((d) => d.value === value);
      if (demo) {
        const variables = variablesOf(raw, path, config);
        found.push({ key: path.join('.'), what: demo.what, replaceWith: variables ?? path.join('.'), fix: `set ${variables ?? path.join('.')} to a value of your own` });
      }
      return;
    }
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, Array.isArray(rawValue) ? rawValue[i] : undefined, [...path, String(i)]));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, rawValue && typeof rawValue === 'object' ? (rawValue as Record<string, unknown>)[k] : undefined, [...path, k]);
    }
  };
  visit({ apiKeys: config.apiKeys, sources: config.sources, destinations: config.destinations }, raw, []);
  for (const [id, block] of Object.entries(config.sandboxes)) {
    if (!block.enabled) continue;
    found.push({
      key: `sandboxes.${id}`,
      what: `the ${id} sandbox (a simulated vendor API with demo credentials) is mounted at /sandbox/${id}${block.public ? ' and answers every client (public: true)' : ''}`,
      replaceWith: 'PARLEY_CONFIG=parley.production.yaml, or remove the block',
      fix: `use PARLEY_CONFIG=parley.production.yaml, or remove sandboxes.${id} from the config`,
    });
  }
  for (const [name, block] of Object.entries(config.destinations)) {
    // The CRM's address key: Salesforce's `loginUrl`, `url` for the others (SAP C4C's service root).
    const urlKey = 'loginUrl' in block ? 'loginUrl' : 'url';
    const url = (block as Record<string, unknown>)[urlKey];
    if (block.enabled && (url === '' || url === undefined) && config.sandboxes[block.connector ?? name]?.enabled) {
      const replaceWith = variableAt(raw, ['destinations', name, urlKey]) ?? `destinations.${name}.${urlKey}`;
      found.push({ key: `destinations.${name}`, what: `destination "${name}" writes to the built-in sandbox, not a real CRM`, replaceWith, fix: `set ${replaceWith} to the CRM's URL` });
    }
  }
  return merge(found);
}

/** The demo login's name beside each demo secret: an OAuth client's id, a Basic user (SAP C4C). */
const DEMO_LOGIN_NAME: Readonly<Record<string, string>> = { clientSecret: 'clientId', password: 'username' };

/** The variable(s) a value comes from; for a demo login's secret, its name's variable too. */
function variablesOf(raw: unknown, path: string[], config: ParleyConfig): string | undefined {
  const own = variableAt(raw, path);
  if (!own) return undefined;
  const [area, name, key] = path;
  const nameKey = key ? DEMO_LOGIN_NAME[key] : undefined;
  if (area === 'destinations' && name && nameKey) {
    const block = config.destinations[name] as Record<string, unknown> | undefined;
    const idVariable = block?.[nameKey] === 'parley-demo' ? variableAt(raw, ['destinations', name, nameKey]) : undefined;
    return idVariable ? `${idVariable} and ${own}` : own;
  }
  return own;
}

/** One line per demo default, even when a value appears under several keys. */
function merge(found: DemoDefault[]): DemoDefault[] {
  const seen = new Set<string>();
  return found.filter((d) => { const k = `${d.what}\u0000${d.replaceWith}`; if (seen.has(k)) return false; seen.add(k); return true; });
}
