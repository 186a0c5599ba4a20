// Writing a run's figures into BENCHMARKS.md: a block between two markers, replaced by the next run,
// under its section's heading and description (added with the block when the file has neither).
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

/** The machine as a report's first line names it. */
export const machine = () => `${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`;
/** The 1-minute load average, one decimal. */
export const load = () => loadavg()[0]!.toFixed(1);

/** The command as run: the `prefix` settings from the environment, then `npm run <script>`. */
export function commandLine(script: string, prefix: string): string {
  const settings = Object.entries(process.env).filter(([k]) => k.startsWith(prefix) && !k.endsWith('_WRITE')).map(([k, v]) => `${k}=${v} `).join('');
  return `$ ${settings}npm run ${script}`;
}

/**
 * Puts `text` (with `command` first) in a code block between `marker`s in BENCHMARKS.md: in place of
 * the last run's block, or at the end of the file under `heading` and `description`.
 */
export function writeSection(root: string, options: { marker: string; heading: string; description: string; command: string; text: string }): void {
  const file = join(root, 'BENCHMARKS.md');
  const current = readFileSync(file, 'utf8');
  const { marker } = options;
  const block = `${marker}\n\`\`\`\n${options.command}\n${options.text}\n\`\`\`\n${marker}`;
  const existing = new RegExp(`${marker}[\\s\\S]*?${marker}`);
  const next = existing.test(current)
    ? current.replace(existing, () => block)
    : `${current.trimEnd()}\n\n${current.includes(options.heading) ? '' : `${options.heading}\n\n${options.description}\n\n`}${block}\n`;
  writeFileSync(file, next);
}
