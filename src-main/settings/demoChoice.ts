/**
 * Whether the engine runs the demo world: `--demo` / `--no-demo` on the command line win; else the
 * user's choice kept in `<userData>/desktop.json` ('off' once they left the demo); else 'auto'
 * (the demo runs while no connection is configured).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the engine's `--demo` argument takes (the utility host parses it). */
export type DemoChoice = 'auto' | 'on' | 'off';

export function demoFromArgv(argv: readonly string[]): DemoChoice | undefined {
  if (argv.includes('--no-demo')) return 'off';
  if (argv.includes('--demo')) return 'on';
  return undefined;
}

export class DesktopPrefs {
  constructor(private readonly file: string) {}

  static in(userData: string): DesktopPrefs {
    return new DesktopPrefs(join(userData, 'desktop.json'));
  }

  demo(): DemoChoice {
    try {
      const v = (JSON.parse(readFileSync(this.file, 'utf8')) as { demo?: unknown }).demo;
      return v === 'off' ? 'off' : 'auto';
    } catch {
      return 'auto';
    }
  }

  leaveDemo(): void {
    writeFileSync(this.file, `${JSON.stringify({ demo: 'off' }, null, 2)}\n`);
  }
}
