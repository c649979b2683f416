/**
 * The dependency direction of architecture.md, checked on every import in the sources:
 * `domain` ← `copy`, `risk` ← `orders` ← `brokers` ← `host`; the pure layers (`domain`, `copy`,
 * `risk`, `orders`) import no I/O module and no `store/`; `api` is the contract and imports nothing
 * else of the engine; main and the renderer import only `api` of the engine; nothing in the engine
 * imports `electron` but the one host file that reads `process.parentPort`. Test code (tests and
 * their fixtures) may reach across, as tests do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

interface Edge {
  readonly from: string;
  readonly to: string;
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !isTestCode(f))
    .map((f) => join(dir, f));
}

function isTestCode(file: string): boolean {
  return /(\.test|Fixture|testHarness)\.tsx?$/.test(file);
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function edges(dirs: readonly string[]): Edge[] {
  const out: Edge[] = [];
  for (const file of dirs.flatMap(sources)) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (spec === undefined) continue;
      out.push({ from: file, to: spec.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), spec)) : spec });
    }
  }
  return out;
}

/** `src-engine/orders/journal.ts` → `orders`; a package stays its name. */
function layerOf(path: string): string {
  const parts = path.split('/');
  return parts[0] === 'src-engine' ? (parts[1] ?? '') : (parts[0] ?? '');
}

const ALL = edges(['src-engine', 'src-main', 'src-renderer']);
const engineEdges = ALL.filter((e) => e.from.startsWith('src-engine/'));
const show = (es: readonly Edge[]): string[] => es.map((e) => `${e.from} -> ${e.to}`);

/** Modules that do I/O: a pure layer never imports them. */
const IO = /^(node:(fs|net|http|https|child_process|worker_threads|dgram|tls)(\/.*)?|fs|better-sqlite3|ws|keytar|electron|@microsoft\/signalr)$/;

describe('dependency direction (architecture.md)', () => {
  it('finds the imports it checks', () => {
    expect(engineEdges.length).toBeGreaterThan(500);
  });

  it('the pure layers import only pure layers and no I/O module', () => {
    const allowed: Record<string, readonly string[]> = {
      domain: ['domain', 'api', 'resources'],
      copy: ['domain', 'copy', 'api'],
      risk: ['domain', 'risk', 'api', 'resources'],
      orders: ['domain', 'copy', 'risk', 'orders', 'api'],
    };
    const bad = engineEdges.filter((e) => {
      const from = layerOf(e.from);
      const ok = allowed[from];
      if (!ok) return false;
      if (e.to.startsWith('src-engine/') || e.to.startsWith('resources/')) return !ok.includes(layerOf(e.to));
      return IO.test(e.to);
    });
    expect(show(bad)).toEqual([]);
  });

  it('api, the contract, imports nothing else of the engine', () => {
    expect(show(engineEdges.filter((e) => layerOf(e.from) === 'api' && e.to.startsWith('src-engine/') && layerOf(e.to) !== 'api'))).toEqual([]);
  });

  it('brokers build on orders and domain, never on the engine above them', () => {
    const above = new Set(['runtime', 'host', 'cli', 'scenario', 'chaos', 'store', 'risk', 'copy', 'secrets']);
    expect(show(engineEdges.filter((e) => layerOf(e.from) === 'brokers' && e.to.startsWith('src-engine/') && above.has(layerOf(e.to))))).toEqual([]);
  });

  it('main and the renderer import only the api of the engine', () => {
    const outside = ALL.filter((e) => !e.from.startsWith('src-engine/') && e.to.startsWith('src-engine/') && layerOf(e.to) !== 'api');
    expect(show(outside)).toEqual([]);
  });

  it('nothing in the engine imports electron but the host file that reads the parent port', () => {
    expect(show(engineEdges.filter((e) => e.to === 'electron' && e.from !== 'src-engine/host/utilityProcessHost.ts'))).toEqual([]);
  });
});
