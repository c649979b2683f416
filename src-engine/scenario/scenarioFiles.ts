/**
 * The scenario files the test suite replays: the acceptance scenarios (vendored from
 * shared/scenarios) and the project's own, more numerous ones.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const ACCEPTANCE_DIR = join(REPO, 'scenarios/acceptance');
export const PROJECT_DIR = join(REPO, 'scenarios');
/** The product's shared acceptance folder, beside the repository when present. */
export const SHARED_DIR = resolve(REPO, '../shared/scenarios');

function yamlIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export function acceptanceFiles(): string[] {
  return yamlIn(ACCEPTANCE_DIR);
}

export function projectFiles(): string[] {
  return yamlIn(PROJECT_DIR);
}

/**
 * Acceptance files 01–23 use only paper accounts and must also pass on each wire broker (24 and
 * 25 are written for specific brokers). Every project scenario runs on all three.
 */
export function movableToOtherBrokers(file: string): boolean {
  if (!file.startsWith(ACCEPTANCE_DIR)) return true;
  const m = /(\d+)-[^/]*$/.exec(file);
  return m === null || Number(m[1]) <= 23;
}
