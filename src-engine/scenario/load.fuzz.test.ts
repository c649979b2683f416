/**
 * The scenario loader under thousands of malformed files (fast-check): whatever the text — random
 * bytes, a real scenario truncated, garbled or with a line doubled, a real scenario with a value
 * replaced or an unknown key added anywhere — it either loads or throws a ScenarioFileError that
 * names the file, a line inside the file and the problem. Never another exception.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { Catalog } from '../domain/instruments';
import { parseScenario, ScenarioFileError } from './load';

const catalog = Catalog.load();
const DIR = join(import.meta.dirname, '..', '..', 'scenarios');
const FILES = [...readdirSync(DIR).filter((f) => f.endsWith('.yaml')).map((f) => join(DIR, f)), ...readdirSync(join(DIR, 'acceptance')).map((f) => join(DIR, 'acceptance', f))];
const TEXTS = FILES.map((f) => readFileSync(f, 'utf8'));

/** Loads or fails cleanly; returns the error (or undefined when the text loaded). */
function loadOrClearError(text: string): ScenarioFileError | undefined {
  try {
    parseScenario(text, 'fuzz.yaml', catalog);
    return undefined;
  } catch (err) {
    if (!(err instanceof ScenarioFileError)) throw new Error(`not a ScenarioFileError: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, { cause: err });
    const lines = text.split('\n').length;
    expect(err.file).toBe('fuzz.yaml');
    expect(err.problem.trim().length).toBeGreaterThan(0);
    expect(err.message).toMatch(/^fuzz\.yaml(:\d+)?: \S/);
    if (err.line !== undefined) {
      expect(Number.isInteger(err.line)).toBe(true);
      expect(err.line).toBeGreaterThanOrEqual(1);
      expect(err.line).toBeLessThanOrEqual(lines + 1);
    }
    return err;
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path into a JSON value (objects and arrays), root excluded. */
function paths(v: Json, base: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push([...base, i], ...paths(x, [...base, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push([...base, k], ...paths(x, [...base, k]));
  return out;
}

function containerAt(v: Json, path: readonly (string | number)[]): Json {
  let cur: Json = v;
  for (const p of path) cur = Array.isArray(cur) ? (cur[p as number] as Json) : ((cur as Record<string, Json>)[p as string] as Json);
  return cur;
}

function setAt(v: Json, path: readonly (string | number)[], value: Json | undefined): void {
  const parent = containerAt(v, path.slice(0, -1));
  const last = path[path.length - 1];
  if (last === undefined) return;
  if (Array.isArray(parent)) {
    if (value === undefined) parent.splice(last as number, 1);
    else parent[last as number] = value;
  } else if (parent !== null && typeof parent === 'object') {
    if (value === undefined) Reflect.deleteProperty(parent, last);
    else parent[last as string] = value;
  }
}

const jsonValue = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;

describe('scenario loader fuzz', () => {
  it('an alias to an anchor never set is a clear error on its line (was a ReferenceError)', () => {
    const err = loadOrClearError('name: x\naccounts: *nowhere\n');
    expect(err?.line).toBe(2);
    expect(err?.problem).toMatch(/alias/i);
  });

  it('random text: loads or a clear error with a line', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), jsonValue.map((v) => JSON.stringify(v))), (text) => {
        loadOrClearError(text);
      }),
      { numRuns: 2_000 },
    );
  });

  it('real scenarios truncated, garbled or with a line doubled: never a crash', () => {
    const edit = fc.record({ file: fc.nat({ max: TEXTS.length - 1 }), at: fc.double({ min: 0, max: 1, noNaN: true }), kind: fc.constantFrom('truncate', 'insert', 'delete', 'doubleLine', 'tabs'), junk: fc.string({ minLength: 1, maxLength: 8 }) });
    fc.assert(
      fc.property(edit, ({ file, at, kind, junk }) => {
        const text = TEXTS[file] ?? '';
        const i = Math.floor(at * text.length);
        const lines = text.split('\n');
        const li = Math.floor(at * lines.length);
        const mutated =
          kind === 'truncate'
            ? text.slice(0, i)
            : kind === 'insert'
              ? text.slice(0, i) + junk + text.slice(i)
              : kind === 'delete'
                ? text.slice(0, i) + text.slice(i + junk.length)
                : kind === 'doubleLine'
                  ? [...lines.slice(0, li + 1), lines[li] ?? '', ...lines.slice(li + 1)].join('\n')
                  : text.replace(/^( +)/m, '\t');
        loadOrClearError(mutated);
      }),
      { numRuns: 2_000 },
    );
  });

  it('a value replaced anywhere, as YAML or JSON: loads or a clear error', () => {
    fc.assert(
      fc.property(fc.nat({ max: TEXTS.length - 1 }), fc.nat(), jsonValue, fc.boolean(), fc.boolean(), (file, pick, value, asJson, remove) => {
        const doc = parseYaml(TEXTS[file] ?? '') as Json;
        const all = paths(doc);
        const path = all[pick % all.length];
        if (path) setAt(doc, path, remove ? undefined : value);
        loadOrClearError(asJson ? JSON.stringify(doc, null, 2) : stringifyYaml(doc));
      }),
      { numRuns: 1_000 },
    );
  });

  it('an unknown key added to any mapping is refused, naming the key and its line', () => {
    const KEY = 'zz_Unknown';
    fc.assert(
      fc.property(fc.nat({ max: TEXTS.length - 1 }), fc.nat(), fc.boolean(), (file, pick, asJson) => {
        const text = TEXTS[file] ?? '';
        // The files themselves load (they are the suite's own scenarios).
        expect(loadOrClearError(text)).toBeUndefined();
        const doc = parseYaml(text) as Json;
        const maps = [[], ...paths(doc)].filter((p) => {
          const c = containerAt(doc, p);
          return c !== null && typeof c === 'object' && !Array.isArray(c);
        });
        const target = maps[pick % maps.length] ?? [];
        const map = containerAt(doc, target) as Record<string, Json>;
        map[KEY] = 1;
        const out = asJson ? JSON.stringify(doc, null, 2) : stringifyYaml(doc);
        const err = loadOrClearError(out);
        expect(err, `adding ${KEY} at ${target.join('.') || '(top)'} was accepted`).toBeDefined();
        expect(err?.message).toContain(KEY);
        const keyLine = out.split('\n').findIndex((l) => l.includes(KEY)) + 1;
        // A step is one key: the extra key is reported on the step's own line, above it.
        const isStep = target.length === 2 && target[0] === 'steps';
        if (isStep) expect(err?.line).toBeLessThan(keyLine);
        else expect(err?.line).toBe(keyLine);
      }),
      { numRuns: 1_000 },
    );
  });
});
