import type { EventKind } from '../model/index.ts';
import { compileSubset, OUTSIDE_SUBSET } from './compile-subset.ts';

/**
 * The fast path: expressions evaluated without JSONata. Most mapping expressions are a plain path
 * (`text`, `author.handle`), a literal (`"Twitter"`), or a little more: a comparison, `and`, `in`,
 * `&`, `c ? a : b`, and a few functions (`$exists`, `$not`, `$lookup`, `$substring`, `$contains`,
 * …). compile-subset.ts compiles those to JS closures once, when the mapping is loaded; on one
 * core they cost 0.1–1 µs against JSONata's 3–30 µs (`activity = "message"` 3 µs, a `when` of
 * four conditions 15–27 µs, 2026-12; the planner benchmark is `bench:plan`, issue 21).
 *
 * "The same value" is the contract (test/mapping-fast-path.test.ts holds it against JSONata on
 * every shipped expression). JSONata's path semantics differ from a property walk where a path
 * meets a list (it maps over the items and flattens, and a one-item result is unwrapped), so a path
 * is compiled only when the event model says nothing along it is (or may be) a list. And because an
 * event is data from outside, a closure still checks each value at run time: anything it does not
 * handle (a list, an object where text is expected, a number compared with text) is handed to
 * JSONata (`NEEDS_JSONATA`) rather than guessed, so results and errors stay JSONata's own.
 */

/** What a fast reader answers when the value must come from JSONata after all (it met a value outside the subset). */
export const NEEDS_JSONATA: unique symbol = Symbol('needs JSONata');

/** Reads an expression's value from an event's data without JSONata; `NEEDS_JSONATA` when it cannot. */
export type FastReader = (input: unknown) => unknown;

/**
 * A reader for an expression in the compiled subset (compile-subset.ts) whose paths cross no list
 * in the event model of `kind`; undefined when it needs JSONata.
 * @param ast what `jsonata(source).ast()` returns
 */
export function fastReader(ast: unknown, kind: EventKind): FastReader | undefined {
  const closure = compileSubset(ast, kind);
  if (!closure) return undefined;
  return (input) => {
    try {
      return closure(input);
    } catch (error) {
      if (error === OUTSIDE_SUBSET) return NEEDS_JSONATA;
      throw error;
    }
  };
}
