/**
 * Starts the real demo host (`mirrorfill demo`: simulated Tradovate/ProjectX/paper brokers, the
 * engine, a ready group whose leader trades by itself) for a spec, and stops it. The address is
 * read from the line the demo prints; nothing waits on a fixed sleep.
 *
 * When dbus-run-session and gnome-keyring are present (Debian packages in .ci/setup), the demo runs
 * in a private D-Bus session with an unlocked keyring, so secrets typed in the UI can be stored as
 * they would be on a desktop. The keyring lives in a throw-away folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DemoOptions {
  readonly port?: number;
  readonly token?: string;
  /** Keep the engine's data here (to restart the same engine); a throw-away folder otherwise. */
  readonly dataDir?: string;
  readonly leaderEveryMs?: number;
  /** The simulated Tradovate enforces its per-login limits, with this many requests a minute. */
  readonly tradovatePerMinute?: number;
}

export interface Demo {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly token: string;
  /** The address printed at start (token included). */
  readonly openUrl: string;
  readonly port: number;
  /** Whether the engine has a keychain to store secrets in. */
  readonly keychain: boolean;
  output(): string;
  stop(): Promise<void>;
}

/** The repository whose engine the tests run (this one). */
const ROOT = resolve(import.meta.dirname, '..');

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export const KEYRING_AVAILABLE = has('dbus-run-session') && has('gnome-keyring-daemon');

export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  const demoArgs = ['tsx', 'src-engine/cli/main.ts', 'demo', '--port', String(opts.port ?? 0), '--leader-every-ms', String(opts.leaderEveryMs ?? 1500)];
  if (opts.token) demoArgs.push('--token', opts.token);
  if (opts.tradovatePerMinute !== undefined) demoArgs.push('--tradovate-per-minute', String(opts.tradovatePerMinute));
  if (opts.dataDir) demoArgs.push('--data', opts.dataDir);
  const keyringHome = mkdtempSync(join(tmpdir(), 'mirrorfill-e2e-keyring-'));
  const env = { ...process.env, XDG_DATA_HOME: keyringHome, NO_COLOR: '1' };
  let child: ChildProcess;
  if (KEYRING_AVAILABLE) {
    const inner = `printf e2e | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec npx ${demoArgs.map(shellQuote).join(' ')}`;
    child = spawn('dbus-run-session', ['--', 'sh', '-c', inner], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } else {
    child = spawn('npx', demoArgs, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));

  const openUrl = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`the demo did not print its address within 90 s\nstdout:\n${out}\nstderr:\n${err}`)), 90_000);
    child.stdout?.on('data', (d: string) => {
      out += d;
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)$/m.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    child.stderr?.on('data', (d: string) => {
      err += d;
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`the demo exited (${String(code)}) before it was ready\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
  const u = new URL(openUrl);
  const token = new URLSearchParams(u.hash.slice(1)).get('token') ?? '';
  let stopped = false;
  return {
    url: u.origin,
    token,
    openUrl,
    port: Number(u.port),
    keychain: KEYRING_AVAILABLE,
    output: () => `${out}\n${err}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const pid = child.pid;
      if (pid !== undefined && child.exitCode === null) {
        // The whole process group: dbus-run-session, the keyring daemon, npx and the engine.
        try {
          process.kill(-pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
        const killer = setTimeout(() => {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }, 10_000);
        await exited;
        // The engine finishes its shutdown after the session leader exits: wait for the group to go.
        await groupGone(pid);
        clearTimeout(killer);
      }
      rmSync(keyringHome, { recursive: true, force: true });
    },
  };
}

async function groupGone(pgid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function shellQuote(s: string): string {
  return /^[\w./:=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
