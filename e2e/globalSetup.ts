/** Builds the renderer once for every spec (the demo host serves dist/renderer). */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function globalSetup(): void {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: resolve(import.meta.dirname, '..'), stdio: 'inherit' });
}
