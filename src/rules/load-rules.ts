import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import jsonata from 'jsonata';
import { LineCounter, parseDocument } from 'yaml';
import { isLoopback } from '../connectors/outbound.ts';
import { yamlKeyFinder } from '../config/yaml-lines.ts';
import { keyedIssues } from '../config/zod-issues.ts';
import { checkModelPaths } from '../mappings/model-paths.ts';
import { decodeWebhookSecret as decodeAlertSecret } from '../connectors/standard-webhooks.ts';
import { ruleErrors } from './rule-errors.ts';
import { RuleFile, durationMs } from './rule-schema.ts';

/** A compiled JSONata expression and its text. */
export interface RuleExpression { source: string; evaluate(input: unknown): Promise<unknown> }

/** One destination's parent record of an incident. */
export interface CompiledCase {
  destination: string;
  object: string;
  fields: Array<{ name: string; expression: RuleExpression }>;
  link?: { object: string; matchKey: string; field: string };
  /**
   * No parent record: each post's own record of `object` (Oracle's automatic service request), found
   * by `matchKey` = the post's id, is updated with `fields`; `waitFor` names the look-up reference
   * the update waits on (the post's own record), so it is sent once the post is written.
   */
  each?: { matchKey: string; waitFor?: { field: string; object: string } };
}

/** A rule ready to run: durations in ms, expressions compiled, the alert's address and key resolved. */
export interface CompiledRule {
  definition: RuleFile;
  id: string;
  file: string;
  windowMs: number;
  /** The open thresholds: at least one is set. */
  count?: number;
  baseline?: { factor: number; ms: number; minCount: number };
  /** Closes below this count; absent: half the count it opened with (rounded up). */
  below?: number;
  quietForMs: number;
  when?: RuleExpression;
  groupBy?: RuleExpression;
  cases: CompiledCase[];
  alert?: { url: string; key: Buffer };
  /** Why the file's alert is off: the environment variable it names is not set (the engine logs it at start). */
  alertOff?: string;
}

/** A problem of a rule file, placed for a person (`rules/burst.yaml:7:9`). */
export interface RuleProblem { file: string; line?: number; column?: number; ruleId: string; key: string; message: string }

/**
 * Checks and compiles one rule file's text: the schema (strict), every expression (JSONata; the
 * event paths of `match.when` and `match.groupBy` against the interaction model), the alert's
 * address and secret. Every problem is reported in one pass, never thrown.
 * @param env where `urlEnv`/`secretEnv` are looked up (the caller passes the process's environment)
 */
export function checkRuleText(text: string, file: string, options: { expectedId?: string; env?: Readonly<Record<string, string | undefined>> } = {}): { rule?: CompiledRule; problems: RuleProblem[] } {
  const fallbackId = options.expectedId ?? file.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    return { problems: document.errors.map((e) => ({ file, ...place(lineCounter, e.pos[0]), ruleId: fallbackId, key: '(file)', message: `the file is not valid YAML: ${e.message.split('\n')[0]!}` })) };
  }
  const finder = yamlKeyFinder(document, lineCounter);
  const problems: RuleProblem[] = [];
  const add = (key: string, message: string, ruleId: string) => {
    const at = finder.positionOf(key, { at: 'value' });
    problems.push({ file, ...(at ? { line: at.line, column: at.column } : {}), ruleId, key, message });
  };
  const parsed = RuleFile.safeParse(document.toJS());
  if (!parsed.success) {
    for (const issue of keyedIssues(parsed.error, [], { schema: RuleFile })) add(issue.key, issue.problem, fallbackId);
    return { problems };
  }
  const definition = parsed.data;
  const id = definition.id;
  if (options.expectedId !== undefined && id !== options.expectedId) add('id', `must be the file name without .yaml ("${options.expectedId}")`, id);

  const compile = (key: string, source: string, checkPaths: boolean): RuleExpression | undefined => {
    let expression: jsonata.Expression;
    try {
      expression = jsonata(source);
    } catch (error) {
      const e = error as { message?: string; position?: number };
      add(key, `cannot read the expression ${JSON.stringify(source)}: ${e.message ?? String(error)}${e.position !== undefined ? ` (at character ${e.position})` : ''}`, id);
      return undefined;
    }
    if (checkPaths) for (const issue of checkModelPaths(expression.ast(), 'interaction')) add(key, issue.problem, id);
    return { source, evaluate: (input) => expression.evaluate(input) as Promise<unknown> };
  };
  const when = definition.match.when === undefined ? undefined : compile('match.when', definition.match.when, true);
  const groupBy = definition.match.groupBy === undefined ? undefined : compile('match.groupBy', definition.match.groupBy, true);
  const cases = Object.entries(definition.cases).map(([destination, spec]): CompiledCase => ({
    destination, object: spec.object,
    fields: Object.entries(spec.fields).flatMap(([name, source]) => {
      const expression = compile(`cases.${destination}.fields.${name}`, source, false);
      return expression ? [{ name, expression }] : [];
    }),
    ...(spec.link ? { link: spec.link } : {}),
    ...(spec.each ? { each: spec.each } : {}),
  }));
  const unset = definition.alert ? [definition.alert.urlEnv, definition.alert.secretEnv].filter((v): v is string => v !== undefined && !options.env?.[v]) : [];
  const alertOff = unset.length > 0 ? `the environment variable${unset.length > 1 ? 's' : ''} ${unset.join(' and ')} ${unset.length > 1 ? 'are' : 'is'} not set` : undefined;
  const alert = definition.alert ? resolveAlert(definition.alert, options.env ?? {}, (key, message) => add(`alert.${key}`, message, id)) : undefined;
  if (problems.length > 0) return { problems };
  const open = definition.open;
  return {
    rule: {
      definition, id, file, windowMs: durationMs(definition.window)!,
      ...(open.count !== undefined ? { count: open.count } : {}),
      ...(open.baselineFactor !== undefined ? { baseline: { factor: open.baselineFactor, ms: durationMs(open.baseline!)!, minCount: open.minCount ?? 10 } } : {}),
      ...(definition.close.below !== undefined ? { below: definition.close.below } : open.count !== undefined ? { below: Math.ceil(open.count / 2) } : {}),
      quietForMs: definition.close.quietFor !== undefined ? durationMs(definition.close.quietFor)! : durationMs(definition.window)!,
      ...(when ? { when } : {}), ...(groupBy ? { groupBy } : {}), cases, ...(alert ? { alert } : {}), ...(alertOff ? { alertOff } : {}),
    },
    problems,
  };
}

/** The alert's address and key, from the file or the environment variables it names; problems through `problem`. */
function resolveAlert(spec: NonNullable<RuleFile['alert']>, env: Readonly<Record<string, string | undefined>>, problem: (key: string, message: string) => void): CompiledRule['alert'] {
  const url = spec.url ?? env[spec.urlEnv!];
  const secret = spec.secret ?? env[spec.secretEnv!];
  // An unset variable is not an error: the example rule ships with urlEnv, and a Parley without an
  // alert receiver must still start. The rule then runs without its alert, and says so (`alertOff`).
  if (url === undefined || url === '' || secret === undefined || secret === '') return undefined;
  const urlKey = spec.url !== undefined ? 'url' : 'urlEnv';
  let parsed: URL | undefined;
  try { parsed = new URL(url!); } catch { problem(urlKey, 'is not an absolute address (https://…)'); }
  if (parsed && parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopback(parsed.hostname))) problem(urlKey, 'must use https (plain http only to this machine)');
  const key = decodeAlertSecret(secret!);
  if (!key.ok) problem(spec.secret !== undefined ? 'secret' : 'secretEnv', `is not a signing secret: it ${key.reason}`);
  return parsed && key.ok ? { url: url!, key: key.key } : undefined;
}

function place(lineCounter: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * Reads every `<id>.yaml` in `dir` (not below it), checks and compiles it. A missing folder means no rules.
 * @throws PARLEY_RULE_INVALID with every problem of every file in `details.problems`
 */
export function loadRules(dir: string, options: { env?: Readonly<Record<string, string | undefined>> } = {}): CompiledRule[] {
  if (!existsSync(dir)) return [];
  const rules: CompiledRule[] = [];
  const problems: RuleProblem[] = [];
  for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const path = join(dir, name);
    const file = relative(process.cwd(), path) || path;
    const checked = checkRuleText(readFileSync(path, 'utf8'), file, { expectedId: name.replace(/\.ya?ml$/, ''), ...options });
    problems.push(...checked.problems);
    if (checked.rule) rules.push(checked.rule);
  }
  if (problems.length > 0) throw ruleErrors.RULE_INVALID({ file: [...new Set(problems.map((p) => p.file))].join(', '), problems });
  return rules;
}
