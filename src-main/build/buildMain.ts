/** `npm run build:main`: the desktop bundles (main, preload, engine) into dist/main. */
import { relative } from 'node:path';
import { buildDesktopBundles, REPO_ROOT } from './desktopBundles';

buildDesktopBundles(REPO_ROOT).then(
  (files) => process.stdout.write(`built ${files.map((f) => relative(REPO_ROOT, f)).join(', ')}\n`),
  (err: unknown) => {
    process.stderr.write(`build:main failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
