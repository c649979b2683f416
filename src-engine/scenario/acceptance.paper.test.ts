/** Every acceptance scenario, as written, and the project's own scenarios. */
import { basename } from 'node:path';
import { describe, it } from 'vitest';
import { replay } from './replay';
import { acceptanceFiles, projectFiles } from './scenarioFiles';

describe('acceptance scenarios (paper)', () => {
  for (const file of acceptanceFiles()) it(basename(file), () => replay(file));
});

describe('project scenarios (paper)', () => {
  for (const file of projectFiles()) it(basename(file), () => replay(file));
});
