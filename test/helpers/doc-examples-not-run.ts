import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { expect } from 'vitest';
import { DEMO_JWT_PRIVATE_KEY } from '../../connectors/salesforce/demo-keys.ts';
import { parseConfigDocument } from '../../src/config/load-config.ts';
import type { ParleyConfig } from '../../src/config/schema.ts';
import { loadDestinations, loadSandboxes } from '../../src/connectors/destination-registry.ts';
import { loadSources } from '../../src/connectors/registry.ts';
import { environmentAssignments } from './doc-examples.ts';
import { tempDir } from './temp-dirs.ts';

// The shell examples of the README and the setup guides that test/readme-examples.test.ts does not
// run, each with the reason and what is checked of it instead, and the static checks they share
// with that test: a config text validated as start-up does, the `${VAR}`s a config reads.

export const ROOT = process.cwd();
export const DOCS = ['README.md', 'docs/setup-salesforce.md', 'docs/setup-sap-c4c.md', 'docs/setup-oracle-cx.md', 'docs/setup-x.md', 'docs/sources.md'] as const;
export const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const packageScripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

// ---- Shell examples that do not run here, and what is checked of them instead.

export interface NotRunEntry {
  doc: (typeof DOCS)[number];
  /** The block's commands exactly (comments dropped, continued lines joined): a change needs a new look. */
  commands: string[];
  because: string;
  check: (commands: string[]) => void | Promise<void>;
}

const dockerfile = read('Dockerfile');
const productionYaml = read('parley.production.yaml');
export const configVariables = (path: string): Map<string, string | undefined> => variablesOf(parseYaml(read(path)));
export const PROCESS_VARIABLES = [...read('src/config/environment.ts').matchAll(/env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!);

/** `${NAME}` and `${NAME:-default}` in a parsed YAML tree's strings (comments are not part of it). */
function variablesOf(tree: unknown, found = new Map<string, string | undefined>()): Map<string, string | undefined> {
  if (typeof tree === 'string') for (const m of tree.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g)) found.set(m[1]!, m[2]);
  else if (Array.isArray(tree)) for (const item of tree) variablesOf(item, found);
  else if (tree && typeof tree === 'object') for (const value of Object.values(tree)) variablesOf(value, found);
  return found;
}

/** Validates a config text as start-up does (schema, then every connector's own schema), with `env`. */
export async function validateConfig(text: string, label: string, env: Record<string, string>): Promise<ParleyConfig> {
  const loaded = parseConfigDocument(text, label, env);
  const options = { configPath: label, cwd: ROOT, lineOf: loaded.lineOf };
  await loadSources(loaded.config.sources, options);
  await loadDestinations(loaded.config.destinations, options);
  await loadSandboxes(loaded.config.sandboxes, options);
  return loaded.config;
}

/** Values for the `${VAR}`s a config example may use; an example using another fails, naming it. */
export const SAMPLE_VARIABLES: Record<string, string> = {
  PARLEY_ADMIN_KEY: 'sample-admin-key-0123456789',
  X_CONSUMER_SECRET: 'sample-x-consumer-secret',
  SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com',
  SALESFORCE_FLOW: 'client_credentials',
  SALESFORCE_CLIENT_ID: 'sample-client-id',
  SALESFORCE_CLIENT_SECRET: 'sample-client-secret',
  SALESFORCE_USERNAME: 'parley@acme.example',
  SAP_C4C_URL: 'https://my123456.crm.ondemand.com/sap/c4c/odata/v1/c4codataapi/',
  SAP_C4C_USER: 'PARLEY_INTEGRATION',
  SAP_C4C_PASSWORD: 'sample-c4c-password',
  ORACLE_CX_URL: 'https://abcd.fa.us2.oraclecloud.com',
  ORACLE_CX_USER: 'PARLEY_INTEGRATION',
  ORACLE_CX_PASSWORD: 'sample-oracle-password',
  // A real key: the config checks it is an RSA PEM private key (the public demo one proves nothing).
  SALESFORCE_PRIVATE_KEY: DEMO_JWT_PRIVATE_KEY,
  SALESFORCE_PASSWORD: 'sample-password-and-token',
};

/**
 * The variables a command sets, as the production config would read them: placeholders (`...`)
 * become values, and every `<NAME>_FILE` a file of its own. The config must then start: every
 * variable it needs is there, and each one set is one it (or the process) reads.
 */
async function expectProductionStartsWith(commands: string[]) {
  const assigned = environmentAssignments(commands);
  const known = new Set([...configVariables('parley.production.yaml').keys(), ...PROCESS_VARIABLES]);
  const env: Record<string, string> = {};
  const secrets = tempDir('parley-readme-secrets-');
  for (const [name, value] of assigned) {
    const own = name.endsWith('_FILE') ? name.slice(0, -'_FILE'.length) : name;
    expect(known.has(own), `${name} is not a variable Parley reads`).toBe(true);
    if (name === 'PARLEY_CONFIG') continue;
    // A key file holds a key: the config checks it is one.
    const text = own === 'SALESFORCE_PRIVATE_KEY' ? DEMO_JWT_PRIVATE_KEY : value.includes('...') ? `placeholder-${own.toLowerCase()}-0123456789` : value;
    if (name.endsWith('_FILE')) {
      const file = join(secrets, own);
      writeFileSync(file, `${text}\n`);
      env[name] = file;
    } else env[name] = text;
  }
  expect(assigned.get('PARLEY_CONFIG') ?? '/app/parley.production.yaml').toMatch(/(^|\/)parley\.production\.yaml$/);
  await validateConfig(productionYaml, 'parley.production.yaml', env);
}

function expectDockerRunFitsTheImage(commands: string[]) {
  const run = commands.find((c) => c.startsWith('docker run '));
  expect(run, 'a docker run command').toBeDefined();
  expect(run!).toMatch(/\sparley$/);
  const published = /-p (\d+):(\d+)/.exec(run!);
  expect(published?.[2], 'the container port').toBe(/EXPOSE (\d+)/.exec(dockerfile)?.[1]);
  const volume = /-v [\w.-]+:(\/\S+)/.exec(run!);
  if (volume) expect(dockerfile).toContain(`VOLUME ${volume[1]}`);
}

export const NOT_RUN: NotRunEntry[] = [
  {
    doc: 'README.md',
    commands: ['npm install && npm start', 'npm test'],
    because: '`npm install` downloads packages and `npm start` serves on port 3000 until stopped (test/npm-start.test.ts starts it); `npm test` runs this very suite',
    check: () => {
      expect(packageScripts.start).toContain('scripts/start.mjs');
      expect(existsSync(join(ROOT, 'scripts/start.mjs'))).toBe(true);
      expect(packageScripts.prepare, 'npm install builds dist/').toContain('build');
      expect(packageScripts.test).toContain('vitest run');
      expect(existsSync(join(ROOT, 'parley.yaml'))).toBe(true);
    },
  },
  {
    doc: 'README.md',
    commands: [
      'docker build -t parley .',
      'docker run -d --name parley -p 3000:3000 -v parley-data:/data -e PARLEY_ADMIN_KEY=... -e X_CONSUMER_SECRET=... -e SALESFORCE_LOGIN_URL=https://acme.my.salesforce.com -e SALESFORCE_CLIENT_ID=... -e SALESFORCE_CLIENT_SECRET=... parley',
    ],
    because: 'it needs Docker, builds an image and logs in to a real Salesforce org',
    check: async (commands) => {
      expect(existsSync(join(ROOT, 'Dockerfile'))).toBe(true);
      expect(dockerfile).toContain('PARLEY_CONFIG=/app/parley.production.yaml');
      expectDockerRunFitsTheImage(commands);
      await expectProductionStartsWith(commands);
    },
  },
  {
    doc: 'README.md',
    commands: [
      'docker run -d --name parley -p 3000:3000 -v parley-data:/data -v "$PWD/secrets:/run/secrets:ro" -e PARLEY_ADMIN_KEY_FILE=/run/secrets/parley_admin_key -e X_CONSUMER_SECRET_FILE=/run/secrets/x_consumer_secret -e SALESFORCE_LOGIN_URL=https://acme.my.salesforce.com -e SALESFORCE_FLOW=jwt_bearer -e SALESFORCE_CLIENT_ID=... -e SALESFORCE_USERNAME=parley@acme.com -e SALESFORCE_PRIVATE_KEY_FILE=/run/secrets/salesforce_private_key parley',
    ],
    because: 'it needs Docker, the image and secret files, and logs in to a real Salesforce org',
    check: async (commands) => {
      expectDockerRunFitsTheImage(commands);
      await expectProductionStartsWith(commands);
    },
  },
  {
    doc: 'README.md',
    commands: ['docker run -p 3000:3000 -e PARLEY_CONFIG=parley.yaml parley'],
    because: 'it needs Docker and the image; the demo config it runs is the one the other examples run here',
    check: async (commands) => {
      expectDockerRunFitsTheImage(commands);
      // The image's working folder is /app, and the demo config is copied there.
      expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
      expect(dockerfile).toMatch(/COPY --from=build .*\/app\/parley\.yaml/);
      await validateConfig(read('parley.yaml'), 'parley.yaml', {});
    },
  },
  {
    doc: 'README.md',
    commands: ['docker compose up --build', 'curl -s localhost:3000/health'],
    because: 'it needs Docker (no engine runs here); test/compose.test.ts checks compose.yaml against the config and code it starts, and test/instances.test.ts runs the same setup without containers',
    check: async () => {
      const compose = read('compose.yaml');
      expect(compose).toMatch(/^\s+ports: \["3000:3000"\]$/m);
      expect(compose).toContain('build: .');
      expect(dockerfile).toMatch(/^EXPOSE 3000$/m);
    },
  },
  {
    doc: 'docs/setup-salesforce.md',
    commands: [
      'export PARLEY_CONFIG=parley.production.yaml',
      'export PARLEY_ADMIN_KEY_FILE=/run/secrets/parley_admin_key X_CONSUMER_SECRET_FILE=/run/secrets/x_consumer_secret',
      'export SALESFORCE_LOGIN_URL=https://acme.my.salesforce.com SALESFORCE_FLOW=jwt_bearer',
      'export SALESFORCE_CLIENT_ID=3MVG9... SALESFORCE_USERNAME=parley@acme.com',
      'export SALESFORCE_PRIVATE_KEY_FILE=/run/secrets/salesforce_private_key',
      'npm start',
    ],
    because: 'it serves until stopped and logs in to a real Salesforce org',
    check: async (commands) => {
      expect(packageScripts.start).toBeDefined();
      await expectProductionStartsWith(commands);
    },
  },
  {
    doc: 'docs/setup-x.md',
    commands: [
      'curl -X POST https://api.x.com/2/webhooks -H "authorization: Bearer $X_BEARER_TOKEN" -H \'content-type: application/json\' --data \'{"url":"https://parley.acme.example/webhooks/x"}\'',
    ],
    because: 'it calls X\'s API with your app\'s bearer token',
    check: async (commands) => {
      // The URL it registers is one X accepts (https, no port) and one Parley serves.
      const body = JSON.parse(/--data '([^']*)'/.exec(commands[0]!)![1]!) as { url: string };
      const url = new URL(body.url);
      expect(url.protocol).toBe('https:');
      expect(url.port).toBe('');
      expect(url.pathname).toBe('/webhooks/x');
      const config = await validateConfig(productionYaml, 'parley.production.yaml', { PARLEY_ADMIN_KEY: 'x'.repeat(24), X_CONSUMER_SECRET: 's', SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com', SALESFORCE_CLIENT_ID: 'c', SALESFORCE_CLIENT_SECRET: 's' });
      expect(Object.keys(config.sources)).toContain('x');
    },
  },
];
