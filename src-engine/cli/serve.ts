/**
 * `npm run serve`: the engine under Node with the renderer on http://127.0.0.1:PORT behind a random
 * token (for a VPS reached over an SSH tunnel, and for browser tests). Loopback unless --host.
 */
import { mkdirSync } from 'node:fs';
import { defaultDataDir, openAppHost } from '../host/appHost';
import { startHeadlessServer } from '../host/headlessServer';
import { servedRedirect } from '../host/loopbackRedirect';
import { parseArgs, portOption, stringOption } from './args';
import { rendererDir } from './rendererDir';
import { tokenOption } from './tokenOption';
import { untilSignal } from './signals';

export const SERVE_USAGE = 'usage: mirrorfill serve [--port N (0 = any free port)] [--host ADDRESS] [--data DIR] [--token TOKEN | --token-file FILE | env MIRRORFILL_TOKEN (at least 128 bits)]';

export async function serveCommand(args: readonly string[]): Promise<number> {
  const p = parseArgs(args, { port: 'value', host: 'value', data: 'value', token: 'value', 'token-file': 'value' });
  // Every option is checked before anything is created or opened.
  const token = tokenOption(p);
  const port = portOption(p);
  const dataDir = stringOption(p, 'data') ?? defaultDataDir();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const app = openAppHost({ dataDir, host: 'serve' });
  const host = stringOption(p, 'host');
  const server = await startHeadlessServer({ handler: app.api, staticDir: rendererDir(), port, log: app.log.child('http'), ...(host ? { host } : {}), ...(token ? { token } : {}), signInAnswer: (q) => app.signIns.receive(q) });
  // Sign in with Tradovate comes back to this server, the address the trader's browser already reaches.
  app.signIns.useRedirect(servedRedirect(server.url));
  process.stdout.write(`Mirrorfill is running (data in ${dataDir}). Open:\n${server.openUrl}\n`);
  if (host && host !== '127.0.0.1' && host !== 'localhost') process.stdout.write(`Warning: listening on ${host}, not only on this machine. Anyone who has the token can trade your accounts.\n`);
  void app.engine.start().catch((err: unknown) => app.log.error('engine start failed', { error: String(err) }));
  await untilSignal();
  await server.close();
  await app.close();
  return 0;
}
