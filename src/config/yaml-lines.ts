import { isMap, isNode, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import type { LineOf } from './zod-issues.ts';

/** Where a dotted key is in a YAML document. */
export interface YamlKeyFinder {
  /** The line of the key itself (not of its value, which may start on the next line), or of its nearest parent the file has. */
  lineOf: LineOf;
  /** True when the file itself has the key, rather than a schema default filling it in. */
  has(key: string): boolean;
}

/**
 * Finds keys (`destinations.salesforce.retry.retries`, `apiKeys.0.key`, `(root)`) in a parsed
 * document. Substitution and validation work on plain values, so the document is the only place
 * that still knows lines; this lets code far from the parser (the connector registries) use them.
 */
export function yamlKeyFinder(document: Document, lineCounter: LineCounter): YamlKeyFinder {
  const lineAt = (node: unknown) => (isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined);
  const locate = (key: string): { line: number | undefined; found: boolean } => {
    let node: unknown = document.contents;
    let line = lineAt(node);
    for (const segment of key === '(root)' ? [] : key.split('.')) {
      if (isMap(node)) {
        const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === segment);
        if (!pair) return { line, found: false };
        line = lineAt(pair.key) ?? lineAt(pair.value) ?? line;
        node = pair.value;
      } else if (isSeq(node) && /^\d+$/.test(segment) && Number(segment) < node.items.length) {
        node = node.items[Number(segment)];
        line = lineAt(node) ?? line;
      } else {
        return { line, found: false };
      }
    }
    return { line, found: true };
  };
  return { lineOf: (key) => locate(key).line, has: (key) => locate(key).found };
}
