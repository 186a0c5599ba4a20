import jsonata from 'jsonata';
import type { KeyedIssue } from '../config/zod-issues.ts';
import type { FoundProblem } from './mapping-problem.ts';
import type { ModelPathIssue } from './model-paths.ts';

/**
 * A problem `compileMapping` found in an expression, in plain words and placed on the mistake:
 * for a path the event model does not have, on the misspelled name inside the expression; for an
 * expression JSONata cannot read, on the character where reading stopped.
 *
 * @param issue what compileMapping reported (`path`/`suggestion` for a wrong event path)
 * @param source the expression's text at `issue.key`, when known
 * @param kind the event kind the mapping takes (`interaction`), for the message
 */
export function expressionProblem(issue: KeyedIssue & Partial<ModelPathIssue>, source: string | undefined, kind: string): FoundProblem {
  const base = { key: issue.key, legacy: issue.problem };
  if (issue.path !== undefined) {
    const name = issue.path.split('.').at(-1)!;
    const offset = source === undefined ? undefined : nameOffset(source, name);
    const message = issue.suggestion === undefined ? issue.problem : `"${issue.path}" is not a field of ${article(kind)} event (did you mean "${issue.suggestion}"?)`;
    return { ...base, at: 'value', message, path: issue.path, ...(issue.suggestion === undefined ? {} : { suggestion: issue.suggestion }), ...(offset === undefined ? {} : { offset }) };
  }
  const mistake = source === undefined ? undefined : syntaxMistake(source);
  if (!mistake) return { ...base, message: issue.problem };
  return { ...base, at: 'value', offset: mistake.offset, message: `the expression ${JSON.stringify(source)} cannot be read: ${mistake.what} (at character ${mistake.offset + 1})` };
}

/**
 * Where JSONata stops reading an expression, and why, in words; undefined when it reads it.
 * JSONata's `position` is just past the token it stopped at, so the token's start is where the
 * mistake is (the end of the text when the expression ends too early).
 */
export function syntaxMistake(source: string): { offset: number; what: string } | undefined {
  try {
    jsonata(source);
    return undefined;
  } catch (error) {
    const e = error as { code?: string; position?: number; token?: unknown; message?: string };
    const token = typeof e.token === 'string' && e.token !== '(end)' ? e.token : undefined;
    const end = e.position ?? source.length;
    const offset = Math.max(0, Math.min(source.length, token ? end - token.length : end));
    return { offset, what: plainJsonataMessage(e.code, token, e.message ?? String(error)) };
  }
}

// JSONata's messages by code (jsonata/src/jsonata.js, `errorCodes`), the few a mapping author
// meets said plainly; any other is JSONata's own, which is readable enough.
function plainJsonataMessage(code: string | undefined, token: string | undefined, message: string): string {
  switch (code) {
    case 'S0201': return token ? `"${token}" does not belong there` : 'something does not belong there';
    case 'S0207': return 'it ends too early (an operator or a bracket is missing its other half)';
    case 'S0101': return 'a quoted text is not closed';
    default: return message.charAt(0).toLowerCase() + message.slice(1);
  }
}

/** The first place `name` appears in `source` as a whole name (not inside a longer one). */
function nameOffset(source: string, name: string): number | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(?<![\\w$])${escaped}(?![\\w])`).exec(source);
  return match?.index;
}

function article(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}
