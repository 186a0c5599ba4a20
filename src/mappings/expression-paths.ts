/**
 * The event paths a JSONata expression reads, found by walking its AST (`jsonata(expr).ast()`),
 * so a mapping can be checked against the canonical model before any event arrives.
 *
 * The walk tracks the context each sub-expression is evaluated in, as a path from the event's
 * root, or `undefined` when it cannot be known without running the expression (a variable, a
 * function's result, `*`, `**`, `%`). Whatever reads from an unknown context is skipped: a false
 * "no such field" would stop start-up for a mapping that works, so the walk only reports what it
 * can prove.
 */

/** The subset of JSONata's AST this walk reads (jsonata.d.ts types only part of it). */
interface AstNode {
  type: string;
  value?: unknown;
  steps?: AstNode[];
  /** Filters and index bindings of a path step (`mentions[0]`, `a#$i`). */
  stages?: Stage[];
  /** Filters of anything that is not a path step (`$[x = 1]`, `(a)[0]`). */
  predicate?: Stage[];
  /** A step bound with `@$var`: the path does not move on (see `visitPath`). */
  focus?: string;
  group?: { lhs: Array<[AstNode, AstNode]> };
  terms?: Array<{ expression: AstNode }>;
  lhs?: AstNode | Array<[AstNode, AstNode]>;
  rhs?: AstNode;
  expression?: AstNode;
  expressions?: AstNode[];
  arguments?: AstNode[];
  procedure?: AstNode;
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  body?: AstNode;
  pattern?: AstNode;
  update?: AstNode;
  delete?: AstNode;
}

interface Stage {
  type: string;
  expr?: AstNode;
}

/** Where an expression is evaluated: a path from the event's root, or unknown. */
type Context = readonly string[] | undefined;

/** The children evaluated in their parent's context (operands, arguments, branches, bodies). */
const SAME_CONTEXT_CHILDREN = ['lhs', 'rhs', 'expression', 'expressions', 'arguments', 'procedure', 'condition', 'then', 'else', 'body'] as const;

/**
 * The field paths an expression reads from the event it is evaluated on, each once, as path
 * segments from the event's root (`author.handle` → `['author', 'handle']`). String literals,
 * variables (`:=`, lambda parameters) and anything only known at run time are not paths.
 * @param ast what `jsonata(expression).ast()` returns
 */
export function eventPaths(ast: unknown): string[][] {
  const found = new Map<string, string[]>();
  const read = (path: Context) => {
    if (path && path.length > 0) found.set(path.join('\u0000'), [...path]);
  };
  visit(ast as AstNode, [], read);
  return [...found.values()];
}

type Reader = (path: Context) => void;

function visit(node: AstNode | undefined, context: Context, read: Reader): void {
  if (!node || typeof node !== 'object') return;
  if (node.type === 'path') return visitPath(node, context, read);
  // The filters of a non-path value (`$[x = 1]`) run on that value: known only for `$` and `$$`.
  visitStages(node.predicate, variableContext(node, context), read);
  switch (node.type) {
    case 'name': read(context ? [...context, String(node.value)] : undefined); return;
    // `$x := …`: the variable is not an event path; its value is read where it is bound.
    case 'bind': visit(node.rhs, context, read); return;
    // A transform (`| pattern | update |`) runs on a value it is applied to later: unknown here.
    case 'transform': for (const child of [node.pattern, node.update, node.delete]) visit(child, undefined, read); return;
    default: for (const child of sameContextChildren(node)) visit(child, context, read);
  }
}

/**
 * A path's steps, each evaluated on the result of the one before. A name extends the known path;
 * a filter runs on the step it follows; anything else (a function, a block, a constructor) runs on
 * the path so far, and what it yields is unknown, so the steps after it are skipped.
 */
function visitPath(node: AstNode, context: Context, read: Reader): void {
  let current: Context = context;
  for (const [i, step] of (node.steps ?? []).entries()) {
    if (step.type === 'name') {
      const next = current ? [...current, String(step.value)] : undefined;
      visitStages(step.stages, next, read);
      if (step.focus !== undefined) {
        // `a@$x.b`: the step's item is bound to `$x` and `b` is read where `a` was.
        read(next);
      } else {
        current = next;
      }
      continue;
    }
    if (step.type === 'variable' && (i === 0 || step.value === '')) {
      current = i === 0 ? variableContext(step, context) : current;
      visitStages(step.predicate ?? step.stages, current, read);
      continue;
    }
    if (step.type === 'sort') {
      for (const term of step.terms ?? []) visit(term.expression, current, read);
      visitStages(step.stages, current, read);
      continue;
    }
    read(current);
    visit(step, current, read);
    visitStages(step.stages, undefined, read);
    current = undefined;
  }
  read(current);
  for (const pair of node.group?.lhs ?? []) for (const part of pair) visit(part, current, read);
}

function visitStages(stages: Stage[] | undefined, context: Context, read: Reader): void {
  for (const stage of stages ?? []) if (stage.type === 'filter') visit(stage.expr, context, read);
}

/** `$` is the context, `$$` the event's root; any other variable holds a value only known at run time. */
function variableContext(node: AstNode, context: Context): Context {
  if (node.type !== 'variable') return undefined;
  if (node.value === '') return context;
  if (node.value === '$') return [];
  return undefined;
}

function sameContextChildren(node: AstNode): AstNode[] {
  const children: AstNode[] = [];
  const add = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(add);
    else if (value && typeof value === 'object' && 'type' in value) children.push(value as AstNode);
  };
  for (const key of SAME_CONTEXT_CHILDREN) add(node[key]);
  return children;
}
