/** The vendored acceptance scenarios are exactly the product's shared ones (when that folder is here). */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceptanceFiles, SHARED_DIR } from './scenarioFiles';

describe('vendored acceptance scenarios', () => {
  it.skipIf(!existsSync(SHARED_DIR))('match shared/scenarios file for file', () => {
    for (const file of acceptanceFiles()) {
      const shared = join(SHARED_DIR, basename(file));
      expect(existsSync(shared), `${basename(file)} is in shared/scenarios`).toBe(true);
      expect(readFileSync(file, 'utf8')).toBe(readFileSync(shared, 'utf8'));
    }
  });
});
