/**
 * Text → tokens, and the meaning of string literals: SOQL's escapes (`decodeString`) and LIKE's
 * wildcards (`likeRegExp`).
 */
import { malformed } from './api.ts';

type TokenKind = 'word' | 'string' | 'number' | 'date' | 'datetime' | 'symbol' | 'eof';

/** One lexical unit; `text` is the exact source slice (quotes included for strings), `pos` its offset. */
export interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
}

// A word may carry a relationship path (`Account.Owner.Name`) as one token: SOQL allows no spaces around the dots.
const WORD = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
// Tried before NUMBER, which would otherwise read `2024` then `-05`. Loose here, checked by `literalInstant`.
const DATE_LIKE = /\d{4}-\d{2}-\d{2}(?:T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?/y;
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)/y;
const SYMBOL = /!=|<>|<=|>=|[=<>(),]/y;
const SPACE = /\s+/y;

/** The escapes SOQL allows after a backslash in a string literal (SOQL reference, "Quoted String Escape Sequences"). */
const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n', N: '\n', r: '\r', R: '\r', t: '\t', T: '\t', b: '\b', B: '\b', f: '\f', F: '\f',
  '"': '"', "'": "'", '\\': '\\',
  // Wildcard escapes: literal `%`/`_` in LIKE; elsewhere kept as written (see `decodeString`).
  '%': '\\%', _: '\\_',
};

function stickyMatch(pattern: RegExp, text: string, pos: number): string | undefined {
  pattern.lastIndex = pos;
  return pattern.exec(text)?.[0];
}

/**
 * Splits SOQL into tokens, ending with one `eof` token.
 * @throws SoqlError MALFORMED_QUERY for a character no token starts with, an unterminated string or a bad escape
 */
export function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < soql.length) {
    const space = stickyMatch(SPACE, soql, pos);
    if (space) { pos += space.length; continue; }
    const token = readToken(soql, pos);
    tokens.push(token);
    pos += token.text.length;
  }
  tokens.push({ kind: 'eof', text: '<EOF>', pos });
  return tokens;
}

const PLAIN_TOKENS: ReadonlyArray<[TokenKind, RegExp]> = [['word', WORD], ['number', NUMBER], ['symbol', SYMBOL]];

/** The token starting at `pos` (not whitespace). */
function readToken(soql: string, pos: number): Token {
  if (soql[pos] === "'") return { kind: 'string', text: scanString(soql, pos), pos };
  const date = stickyMatch(DATE_LIKE, soql, pos);
  if (date !== undefined) return { kind: date.includes('T') ? 'datetime' : 'date', text: date, pos };
  for (const [kind, pattern] of PLAIN_TOKENS) {
    const text = stickyMatch(pattern, soql, pos);
    if (text !== undefined) return { kind, text, pos };
  }
  const note = soql[pos] === ':' ? ' (the Salesforce sandbox does not support bind variables)' : '';
  throw malformed(`unexpected token: '${soql[pos]}'${note}`);
}

/** The string literal starting at `start` (a quote), quotes included. */
function scanString(soql: string, start: number): string {
  let pos = start + 1;
  while (pos < soql.length) {
    const ch = soql[pos];
    if (ch === "'") return soql.slice(start, pos + 1);
    if (ch === '\\') {
      const next = soql[pos + 1];
      if (next === undefined) break;
      if (!Object.hasOwn(ESCAPES, next)) {
        throw malformed(`Invalid string literal '${soql.slice(start + 1, pos + 2)}…'. Illegal character sequence '\\${next}' in string literal.`);
      }
      pos += 2;
      continue;
    }
    pos += 1;
  }
  throw malformed('unexpected token: <EOF> (unterminated string literal)');
}

/** The value of a string literal's body (between the quotes). `\%` and `\_` stay as written: they only mean something in LIKE. */
export function decodeString(body: string): string {
  return body.replace(/\\(.)/gs, (_, ch: string) => ESCAPES[ch] ?? ch);
}

const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/**
 * LIKE's pattern as an anchored, case-insensitive RegExp: `%` any run of characters, `_` exactly
 * one, `\%` and `\_` themselves. Works on the raw body so escaped wildcards stay literal.
 */
export function likeRegExp(body: string): RegExp {
  let source = '';
  for (let i = 0; i < body.length; i += 1) {
    const ch = body[i]!;
    if (ch === '\\') {
      const next = body[i + 1]!;
      i += 1;
      const literal = next === '%' || next === '_' ? next : ESCAPES[next]!;
      source += literal.replace(REGEX_SYNTAX, '\\$&');
    } else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += ch.replace(REGEX_SYNTAX, '\\$&');
  }
  return new RegExp(`^${source}$`, 'isu');
}
