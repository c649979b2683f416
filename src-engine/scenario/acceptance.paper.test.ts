/** Every acceptance scenario, as written, and the project's own scenarios. */
import { basename } from 'node:path';
import { describe, it } from 'vitest';
import { replay } from './replay';
import { acceptanceFiles, projectFiles } from './scenarioFiles';

describe('acceptance scenarios (paper)', () => {
  for (const file of acceptanceFiles()) it(basename(file), () => replay(file));
});

const projects = projectFiles();
describe.runIf(projects.length > 0)('project scenarios (paper)', () => {
  for (const file of projects) it(basename(file), () => replay(file));
});
