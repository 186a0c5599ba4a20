import { errors, isParleyError } from '../errors.ts';
import { EXIT, type ExitCode } from './io.ts';
import { cell, safeText } from './render.ts';

/**
 * An error as the CLI prints it: one line `parley: CODE: message`, then one indented line per
 * entry of `details.problems` (and of `details.issues`, which PARLEY_API_INVALID_REQUEST uses), each
 * `key: problem` when the entry has that shape. Never a stack trace.
 */
export function formatFailure(error: unknown, hints: { apiKeyGiven: boolean }): string {
  if (!isParleyError(error)) {
    // A bug in the CLI itself: say so in one line rather than dump a stack at an operator.
    return `parley: unexpected error: ${safeText(error instanceof Error ? error.message : String(error))}\n`;
  }
  let out = `parley: ${safeText(error.code)}: ${safeText(error.message)}\n`;
  for (const key of ['problems', 'issues'] as const) {
    const entries = error.details[key];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) out += `  ${problemLine(entry)}\n`;
  }
  if (error.code === 'PARLEY_API_UNAUTHORIZED' && !hints.apiKeyGiven) out += '  (no API key was sent: set PARLEY_API_KEY or pass --api-key)\n';
  return out;
}

function problemLine(entry: unknown): string {
  if (entry && typeof entry === 'object' && 'problem' in entry) {
    const { key, problem } = entry as { key?: unknown; problem: unknown };
    return key === undefined ? cell(problem) : `${cell(key)}: ${cell(problem)}`;
  }
  return cell(entry);
}

/** The exit code for an error: 2 (like a usage error) for an erase refused for want of --yes, else 1. */
export function exitCodeOf(error: unknown): ExitCode {
  return isParleyError(error) && error.code === errors.CLI_CONFIRMATION_REQUIRED.code ? EXIT.usage : EXIT.failed;
}
