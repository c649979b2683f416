/** Every acceptance scenario with paper accounts moved to projectx (--broker projectx), and the project's own scenarios. */
import { basename } from 'node:path';
import { describe, it } from 'vitest';
import { replay } from './replay';
import { acceptanceFiles, movableToOtherBrokers, projectFiles } from './scenarioFiles';

describe('acceptance scenarios (projectx)', () => {
  for (const file of acceptanceFiles().filter(movableToOtherBrokers)) it(basename(file), () => replay(file, 'projectx'));
});

const projects = projectFiles().filter(movableToOtherBrokers);
describe.runIf(projects.length > 0)('project scenarios (projectx)', () => {
  for (const file of projects) it(basename(file), () => replay(file, 'projectx'));
});
