/** Builds the renderer once for every spec (the demo host and the Electron app serve dist/renderer). */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function globalSetup(): void {
  execFileSync('npm', ['run', '--silent', 'build:renderer'], { cwd: resolve(import.meta.dirname, '..'), stdio: 'inherit' });
}
