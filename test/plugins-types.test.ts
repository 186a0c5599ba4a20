import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/processes.ts';
import { removeTempDirs, tempDir } from './helpers/temp-dirs.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/plugins/', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** Runs plain Node (no vitest, no `development` condition) on an ES module snippet; answers its stdout parsed as JSON. */
async function nodeEval(code: string, cwd: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd, timeout: 30_000 });
  return JSON.parse(stdout) as unknown;
}

/**
 * What a plugin built outside Parley's own sources sees: after `npm run build`, the declarations of
 * `parley/sdk` and `parley/testing` in dist/ (package.json `exports` → `types`), and an example
 * package compiled by the build (scripts/build-examples.mjs) that plain Node loads, its `parley/sdk`
 * being the compiled SDK itself.
 */
describe('plugins built against the compiled SDK', () => {
  beforeAll(() => ensureBuilt(root), 200_000);
  afterAll(removeTempDirs);

  it('the install links node_modules/parley to the project, idempotently (scripts/link-self.mjs, run by prepare)', async () => {
    const project = tempDir('parley-link-self-');
    const script = pathToFileURL(join(root, 'scripts', 'link-self.mjs')).href;
    const answers = await nodeEval(`
      import { realpathSync, rmSync, symlinkSync } from 'node:fs';
      const { linkSelf } = await import(${JSON.stringify(script)});
      const project = ${JSON.stringify(project)}, link = project + '/node_modules/parley';
      const answers = [linkSelf(project), linkSelf(project), realpathSync(link)];
      rmSync(link); symlinkSync('/', link);
      answers.push(linkSelf(project), realpathSync(link));
      console.log(JSON.stringify(answers));`, project);
    const real = realpathSync(project);
    expect(answers).toEqual(['created', 'kept', real, 'replaced', real]);
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.prepare).toMatch(/^node scripts\/link-self\.mjs && npm run build$/);
  });

  it('a TypeScript plugin compiled without the development condition typechecks against dist/*.d.ts', async () => {
    for (const entry of ['connectors', 'conformance']) expect(existsSync(join(root, 'dist', 'src', entry, 'index.d.ts')), `dist/src/${entry}/index.d.ts`).toBe(true);
    const consumer = join(fixtures, 'consumer');
    // --listFiles names every file of the program: the declarations, and none of Parley's .ts sources.
    const { stdout } = await run(process.execPath, [tsc, '-p', join(consumer, 'tsconfig.json'), '--listFiles'], { cwd: consumer, timeout: 60_000, maxBuffer: 16 << 20 })
      .catch((error: { stdout?: string; message: string }) => { throw new Error(`the consumer does not typecheck: ${error.stdout?.split('\n').filter((l) => l.includes('error TS')).join('\n') || error.message}`); });
    const files = stdout.split('\n');
    expect(files).toEqual(expect.arrayContaining([join(root, 'dist', 'src', 'connectors', 'index.d.ts'), join(root, 'dist', 'src', 'conformance', 'index.d.ts')]));
    expect(files.filter((file) => file.startsWith(join(root, 'src')))).toEqual([]);
  }, 60_000);

  it('the build compiles an example package, which Node then loads by path from compiled Parley (its default export target)', async () => {
    // A user's checkout: examples/echo/ beside node_modules with parley (the link `prepare` makes), zod and @types/node.
    const checkout = tempDir('parley-plugin-build-');
    const example = join(checkout, 'examples', 'echo');
    cpSync(join(fixtures, 'echo-source'), example, { recursive: true, filter: (path) => !path.includes('/dist') });
    mkdirSync(join(checkout, 'node_modules'));
    symlinkSync(root, join(checkout, 'node_modules', 'parley'), 'dir');
    for (const name of ['zod', '@types']) symlinkSync(join(root, 'node_modules', name), join(checkout, 'node_modules', name), 'dir');

    const script = pathToFileURL(join(root, 'scripts', 'build-examples.mjs')).href;
    expect(await nodeEval(`const { examplePackages } = await import(${JSON.stringify(script)}); console.log(JSON.stringify([examplePackages(${JSON.stringify(checkout)}), examplePackages('/nonexistent')]))`, checkout))
      .toEqual([[example], []]);
    await run(process.execPath, [join(root, 'scripts', 'build-examples.mjs'), example], { cwd: root, timeout: 60_000 });
    expect(existsSync(join(example, 'dist', 'index.js'))).toBe(true);

    const registry = pathToFileURL(join(root, 'dist', 'src', 'connectors', 'registry.js')).href;
    const sdk = pathToFileURL(join(root, 'dist', 'src', 'connectors', 'index.js')).href;
    const loaded = await nodeEval(`
      const { resolvePluginModule } = await import(${JSON.stringify(registry)});
      const file = resolvePluginModule('sources.echo', './examples/echo', ${JSON.stringify(checkout)});
      const plugin = await import(file);
      const sdk = await import(${JSON.stringify(sdk)});
      console.log(JSON.stringify({ file, id: plugin.default.id, oneSdk: plugin.sdkDefineSource === sdk.defineSource }));`, checkout);
    expect(loaded).toEqual({ file: join(example, 'dist', 'index.js'), id: 'echo', oneSdk: true });
  }, 90_000);
});
