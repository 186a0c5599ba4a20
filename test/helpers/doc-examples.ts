import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fenced code block of a Markdown file. */
export interface FencedBlock {
  /** The file, relative to the repository root (`README.md`). */
  doc: string;
  /** The line of the opening fence, 1-based. */
  line: number;
  /** The info string's first word, lower-cased (`sh`, `yaml`); empty when there is none. */
  lang: string;
  /** The block's content, ending with a newline. */
  text: string;
}

/** Every fenced block of `doc` (``` or ~~~ fences, indented by at most 3 spaces, as CommonMark has them). */
export function fencedBlocks(root: string, doc: string): FencedBlock[] {
  const lines = readFileSync(join(root, doc), 'utf8').split('\n');
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !close.test(lines[j]!); j++) body.push(lines[j]!);
    if (j >= lines.length) throw new Error(`${doc}:${i + 1}: a fenced block is never closed`);
    blocks.push({ doc, line: i + 1, lang: open[2]!.toLowerCase(), text: body.join('\n') + '\n' });
    i = j;
  }
  return blocks;
}

/**
 * The script without its comments: a `#` that starts a word, outside quotes, up to the end of its
 * line. Quotes are followed across lines (a single-quoted script may span several).
 */
export function stripShellComments(script: string): string {
  let out = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (quote === "'") { out += c; if (c === "'") quote = undefined; continue; }
    if (c === '\\' && i + 1 < script.length) { out += c + script[i + 1]; i++; continue; }
    if (quote === '"') { out += c; if (c === '"') quote = undefined; continue; }
    if (c === '"' || c === "'") { quote = c; out += c; continue; }
    if (c === '#' && (i === 0 || /\s/.test(script[i - 1]!))) {
      while (i + 1 < script.length && script[i + 1] !== '\n') i++;
      continue;
    }
    out += c;
  }
  return out;
}

/** The commands of a simple script: comments dropped, `\`-continued lines joined, blank lines gone. */
export function shellCommands(script: string): string[] {
  return stripShellComments(script).replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).filter(Boolean);
}

/** One curl call a script made: its HTTP status (0 when none came) and the body it printed. */
export interface CurlCall {
  status: number;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Every curl call, in order. */
  calls: CurlCall[];
}

// curl as the examples call it, plus: no progress meter, a time limit, and, on stderr, each call's
// status and the file a copy of its body went to (stdout is left exactly as curl prints it).
const CURL_SHIM = `curl() {
  local out
  out=$(mktemp "$DOC_EXAMPLES_CURL_DIR/call.XXXXXXXX")
  command curl -sS --max-time 30 -w "%{stderr}[curl-call] %{http_code} $out\\n" "$@" | tee "$out"
}
`;

/**
 * Runs `script` with `bash -euo pipefail` in its own process group, killed after `timeoutMs`.
 * `env` is the whole environment (plus what the curl shim needs): nothing of the test's leaks in.
 */
export async function runShell(script: string, options: { env: Record<string, string>; cwd: string; timeoutMs?: number }): Promise<ShellResult> {
  const curlDir = mkdtempSync(join(tmpdir(), 'parley-doc-curl-'));
  try {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', CURL_SHIM + script], {
      cwd: options.cwd, env: { ...options.env, DOC_EXAMPLES_CURL_DIR: curlDir }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, options.timeoutMs ?? 60_000);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode) => resolve(exitCode));
    }).finally(() => clearTimeout(timer));
    const calls: CurlCall[] = [];
    for (const match of stderr.matchAll(/\[curl-call\] (\d{3}) (\S+)/g)) {
      const body = readFileSync(match[2]!, 'utf8');
      let json: unknown;
      try { json = JSON.parse(body); } catch { json = undefined; }
      calls.push({ status: Number(match[1]), body, json });
    }
    return { code, stdout, stderr: stderr.replace(/\[curl-call\] .*\n/g, ''), calls };
  } finally {
    rmSync(curlDir, { recursive: true, force: true });
  }
}

/** The absolute URLs a script names outside its comments. */
export function urlsIn(script: string): string[] {
  return [...stripShellComments(script).matchAll(/https?:\/\/[^\s'"`)\\]+/g)].map((m) => m[0]);
}

/** `-e NAME=VALUE` options, `export NAME=VALUE …` and `NAME=VALUE command` assignments of shell commands. */
export function environmentAssignments(commands: string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const command of commands) {
    for (const m of command.matchAll(/(?:^|\s)-e\s+([A-Z_][A-Z0-9_]*)=(\S*)/g)) found.set(m[1]!, m[2]!);
    const exported = /^export\s+(.*)$/.exec(command);
    const assignments = exported ? exported[1]! : /^((?:[A-Z_][A-Z0-9_]*=\S*\s+)+)\S/.exec(command)?.[1] ?? '';
    for (const m of assignments.matchAll(/([A-Z_][A-Z0-9_]*)=(\S*)/g)) found.set(m[1]!, m[2]!);
  }
  return found;
}
