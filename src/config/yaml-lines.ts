import { isMap, isNode, isScalar, isSeq, Scalar, type Document, type LineCounter } from 'yaml';
import type { LineOf } from './zod-issues.ts';

/** A place in a text file: 1-based line and column. */
export interface YamlPosition { line: number; column: number }

/** Where a dotted key is in a YAML document. */
export interface YamlKeyFinder {
  /** The line of the key itself (not of its value, which may start on the next line), or of its nearest parent the file has. */
  lineOf: LineOf;
  /** True when the file itself has the key, rather than a schema default filling it in. */
  has(key: string): boolean;
  /**
   * Where the key (`at: 'key'`, the default) or its value (`at: 'value'`) starts; for a key the
   * file lacks, where its nearest parent's key does. With `offset`, the place of that character
   * (0-based, in the parsed value) inside a scalar value written on one line, so that a mistake in
   * an expression points at itself; the value's start when the scalar spans lines or has escapes.
   * Undefined only for an empty document.
   */
  positionOf(key: string, options?: { at?: 'key' | 'value'; offset?: number }): YamlPosition | undefined;
}

/**
 * Finds keys (`destinations.salesforce.retry.retries`, `apiKeys.0.key`, `(root)`) in a parsed
 * document. Substitution and validation work on plain values, so the document is the only place
 * that still knows lines; this lets code far from the parser (the connector registries) use them.
 */
export function yamlKeyFinder(document: Document, lineCounter: LineCounter): YamlKeyFinder {
  const startOf = (node: unknown) => (isNode(node) && node.range ? node.range[0] : undefined);
  // The walk: `start` is the offset of the deepest key found (of the value where there is no key:
  // a list item, the root), `value` the node under it when the whole key was found.
  const walk = (key: string): { start: number | undefined; value: unknown; found: boolean } => {
    let node: unknown = document.contents;
    let start = startOf(node);
    for (const segment of key === '(root)' ? [] : key.split('.')) {
      if (isMap(node)) {
        const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === segment);
        if (!pair) return { start, value: undefined, found: false };
        start = startOf(pair.key) ?? startOf(pair.value) ?? start;
        node = pair.value;
      } else if (isSeq(node) && /^\d+$/.test(segment) && Number(segment) < node.items.length) {
        node = node.items[Number(segment)];
        start = startOf(node) ?? start;
      } else {
        return { start, value: undefined, found: false };
      }
    }
    return { start, value: node, found: true };
  };
  const position = (offset: number | undefined): YamlPosition | undefined => {
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return {
    lineOf: (key) => position(walk(key).start)?.line,
    has: (key) => walk(key).found,
    positionOf: (key, options = {}) => {
      const { start, value, found } = walk(key);
      if (options.at !== 'value' || !found || startOf(value) === undefined) return position(start);
      const valueStart = startOf(value)!;
      const inside = options.offset === undefined || !isScalar(value) ? undefined : sourceOffset(value, options.offset);
      const at = position(valueStart + (inside ?? 0));
      // A scalar on one line only: past a line break the offset would mean another place.
      return inside !== undefined && at?.line !== position(valueStart)?.line ? position(valueStart) : at;
    },
  };
}

/**
 * Where the `offset`-th character of a scalar's value is in its source, counted from the scalar's
 * start (its opening quote); undefined when the two do not line up (a block scalar, a double-quoted
 * one with escapes, a plain one folded over lines). The node keeps only the parsed value, so the
 * source's length (its range) tells whether anything was escaped or folded.
 */
function sourceOffset(scalar: Scalar, offset: number): number | undefined {
  const value = scalar.value;
  if (typeof value !== 'string' || !scalar.range || offset < 0 || offset > value.length) return undefined;
  const length = scalar.range[1] - scalar.range[0];
  if (scalar.type === Scalar.PLAIN) return length === value.length ? offset : undefined;
  if (scalar.type === Scalar.QUOTE_DOUBLE) return length === value.length + 2 ? offset + 1 : undefined;
  if (scalar.type === Scalar.QUOTE_SINGLE) {
    // Each `'` of the value is written `''`; nothing else is escaped.
    const quotes = (text: string) => text.split("'").length - 1;
    return length === value.length + 2 + quotes(value) ? offset + quotes(value.slice(0, offset)) + 1 : undefined;
  }
  return undefined;
}
