import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The built renderer (npm run build:renderer), served by the headless hosts. */
export function rendererDir(): string {
  const dir = resolve(import.meta.dirname, '../../dist/renderer');
  if (!existsSync(resolve(dir, 'index.html'))) throw new Error(`the renderer is not built (${dir}); run npm run build:renderer`);
  return dir;
}
