/**
 * Reads a scenario file (YAML or JSON) into a checked Scenario, or throws a ScenarioFileError that
 * names the file, the line and the problem (exit code 2 in the runner).
 */
import { readFileSync } from 'node:fs';
import { LineCounter, isAlias, isMap, isNode, isSeq, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import type { Catalog } from '../domain/instruments';
import { Scenario, STEP_SCHEMAS, type Step, type StepKind } from './schema';

export class ScenarioFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${problem}`);
    this.name = 'ScenarioFileError';
  }
}

type Path = readonly (string | number)[];

export function loadScenario(file: string, catalog: Catalog): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioFileError(file, undefined, `cannot read the file (${err instanceof Error ? err.message : String(err)})`);
  }
  return parseScenario(text, file, catalog);
}

export function parseScenario(text: string, file: string, catalog: Catalog): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError) {
    const line = firstError.linePos?.[0].line ?? lines.linePos(firstError.pos[0]).line;
    throw new ScenarioFileError(file, line, firstError.message.split('\n')[0] ?? 'not valid YAML');
  }
  const lineOf = (path: Path): number | undefined => lineAt(doc, lines, path);
  const fail = (path: Path, message: string): never => {
    throw new ScenarioFileError(file, lineOf(path), `${path.length ? `${path.join('.')}: ` : ''}${message}`);
  };

  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (err) {
    // An alias to an anchor that is not set (`*x`), or aliases that expand beyond the limit.
    throw new ScenarioFileError(file, firstAliasLine(doc, lines), `cannot read the YAML (${err instanceof Error ? err.message : String(err)})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail([], 'a scenario is a mapping with name, accounts, groups, quotes and steps');
  const top = Scenario.safeParse(raw);
  if (!top.success) reportZod(top.error, [], fail);
  const scenario = top.data;

  const steps: Step[] = scenario.steps.map((s, i) => parseStep(s, ['steps', i], fail));
  const checked: Scenario = { ...scenario, steps };
  checkReferences(checked, catalog, fail);
  return checked;
}

function parseStep(value: unknown, path: Path, fail: (p: Path, m: string) => never): Step {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(path, 'a step is a mapping with one key (leader, quote, fault, control, edit, restart, advance or expect)');
  const keys = Object.keys(value);
  const kind = keys[0];
  if (keys.length !== 1 || kind === undefined) return fail(path, `a step has exactly one key, found ${keys.length ? keys.join(', ') : 'none'}`);
  if (!(kind in STEP_SCHEMAS)) return fail([...path, kind], `unknown step "${kind}" (expected one of ${Object.keys(STEP_SCHEMAS).join(', ')})`);
  const schema = STEP_SCHEMAS[kind as StepKind];
  const r = schema.safeParse((value as Record<string, unknown>)[kind]);
  if (!r.success) reportZod(r.error, [...path, kind], fail);
  return { [kind]: r.data } as unknown as Step;
}

function reportZod(error: z.ZodError, base: Path, fail: (p: Path, m: string) => never): never {
  const issue = error.issues[0];
  if (!issue) return fail(base, 'invalid');
  const path = [...base, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys: string[] }).keys;
    return fail([...path, keys[0] ?? ''], `unknown key "${keys.join('", "')}"`);
  }
  if (issue.code === 'invalid_union') {
    return fail(path, 'does not match any accepted form of this field');
  }
  return fail(path, issue.message);
}

/** Names that must exist: account ids, symbols, group names. */
function checkReferences(s: Scenario, catalog: Catalog, fail: (p: Path, m: string) => never): void {
  const ids = new Set<string>();
  s.accounts.forEach((a, i) => {
    if (ids.has(a.id)) fail(['accounts', i, 'id'], `duplicate account id "${a.id}"`);
    ids.add(a.id);
  });
  const groupNames = new Set(s.groups.map((g) => g.name.toLowerCase()));
  const symbol = (path: Path, root: string): void => {
    if (!catalog.product(root)) fail(path, `unknown symbol "${root}"`);
  };
  const account = (path: Path, id: string): void => {
    if (!ids.has(id)) fail(path, `unknown account "${id}"`);
  };
  for (const root of Object.keys(s.quotes)) symbol(['quotes', root], root);
  s.groups.forEach((g, i) => {
    if (g.leader !== undefined) account(['groups', i, 'leader'], g.leader);
    g.followers?.forEach((f, j) => account(['groups', i, 'followers', j, 'account'], f.account));
  });
  const refs = new Set<string>();
  s.steps.forEach((step, i) => {
    const p: Path = ['steps', i];
    if ('leader' in step) {
      const l = step.leader;
      if ('account' in l) {
        account([...p, 'leader', 'account'], l.account);
        symbol([...p, 'leader', 'symbol'], l.symbol);
        if ((l.type ?? 'market') !== 'market' && l.price === undefined) fail([...p, 'leader'], `a ${l.type ?? ''} order needs a price`);
        if (l.ref !== undefined) {
          refs.add(l.ref);
          if (l.bracket?.stopLoss !== undefined) refs.add(`${l.ref}.stopLoss`);
          if (l.bracket?.takeProfit !== undefined) refs.add(`${l.ref}.takeProfit`);
        }
      } else {
        const ref = 'modify' in l ? l.modify : l.cancel;
        if (!refs.has(ref)) fail([...p, 'leader'], `unknown order ref "${ref}" (give the order a ref: first)`);
      }
    } else if ('quote' in step) {
      for (const root of Object.keys(step.quote)) symbol([...p, 'quote', root], root);
    } else if ('fault' in step) {
      account([...p, 'fault', 'account'], step.fault.account);
      const f = step.fault;
      if ((f.kind === 'disconnect' || f.kind === 'delay' || f.kind === 'rateLimit') && f.ms === undefined) fail([...p, 'fault'], `${f.kind} needs ms`);
      if (f.kind === 'partialFill' && f.qty === undefined) fail([...p, 'fault'], 'partialFill needs qty');
      if (f.kind === 'balanceChange' && f.amount === undefined) fail([...p, 'fault'], 'balanceChange needs amount');
    } else if ('control' in step) {
      const c = step.control;
      if (c.account !== undefined) account([...p, 'control', 'account'], c.account);
      if (c.group !== undefined && !groupNames.has(c.group.toLowerCase())) fail([...p, 'control', 'group'], `unknown group "${c.group}"`);
      const needs: Record<string, ('group' | 'account' | 'symbol')[]> = {
        pause: ['group'],
        resume: ['group'],
        flattenAll: ['group'],
        cancelOrders: ['group'],
        flattenPosition: ['account', 'symbol'],
        sync: ['account', 'symbol'],
        unlock: ['account'],
        releaseQuarantine: ['account'],
      };
      for (const field of needs[c.action] ?? []) if (c[field] === undefined) fail([...p, 'control'], `${c.action} needs ${field}`);
    } else if ('edit' in step) {
      if (!groupNames.has(step.edit.group.toLowerCase())) fail([...p, 'edit', 'group'], `unknown group "${step.edit.group}"`);
      if (step.edit.name !== undefined) groupNames.add(step.edit.name.toLowerCase());
    } else if ('expect' in step) {
      for (const key of Object.keys(step.expect)) {
        if (key === 'group') {
          for (const name of Object.keys(step.expect.group as Record<string, unknown>)) if (!groupNames.has(name.toLowerCase())) fail([...p, 'expect', 'group', name], `unknown group "${name}"`);
        } else account([...p, 'expect', key], key);
      }
    }
  });
}

/** The line of the node at `path`, or of its nearest existing parent. */
function lineAt(doc: Document, lines: LineCounter, path: Path): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
    // For a missing key, the map that should hold it.
    if (n > 0 && (isMap(node) || isSeq(node))) continue;
  }
  return undefined;
}

/** The line of the first alias in the document (where an unresolvable alias sits). */
function firstAliasLine(doc: Document, lines: LineCounter): number | undefined {
  let line: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && node.range) line = lines.linePos(node.range[0]).line;
      return visit.BREAK;
    },
  });
  return line;
}
