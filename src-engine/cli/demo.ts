/**
 * `npm run demo`: serve with simulated Tradovate and ProjectX brokers, demo accounts, a ready
 * group and a leader that trades by itself. Data in a throw-away folder unless --data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../domain/clock';
import { Catalog } from '../domain/instruments';
import { openAppHost } from '../host/appHost';
import { demoBrokers, seedDemo, startDemoWorld } from '../host/demo';
import { startHeadlessServer } from '../host/headlessServer';
import { servedRedirect } from '../host/loopbackRedirect';
import { DemoSecretStore } from '../secrets/demoSecretStore';
import { EnvBackedSecretStore } from '../secrets/envSecretStore';
import { KeytarSecretStore } from '../secrets/keytarStore';
import { parseArgs, portOption, stringOption } from './args';
import { rendererDir } from './rendererDir';
import { tokenOption } from './tokenOption';
import { untilSignal } from './signals';

export async function demoCommand(args: readonly string[]): Promise<number> {
  const p = parseArgs(args, { port: 'value', data: 'value', token: 'value', 'token-file': 'value', 'leader-every-ms': 'value', 'tradovate-per-minute': 'value' });
  const token = tokenOption(p);
  const port = portOption(p);
  const given = stringOption(p, 'data');
  const dataDir = given ?? mkdtempSync(join(tmpdir(), 'mirrorfill-demo-'));
  const clock = new SystemClock();
  // The simulated Tradovate enforces its per-login limits only when asked, with this minute's limit.
  const perMinute = Number(stringOption(p, 'tradovate-per-minute') ?? Number.NaN);
  const world = await startDemoWorld(Catalog.load(), clock, Number.isInteger(perMinute) && perMinute > 0 ? { tradovatePerMinute: perMinute } : {});
  const secrets = new DemoSecretStore(new EnvBackedSecretStore(new KeytarSecretStore()), world.secrets);
  const app = openAppHost({ dataDir, host: 'demo', clock, secrets, paper: world.paper, demo: demoBrokers(world), oauthClient: () => ({ client: world.oauthClient }) });
  await seedDemo(app.engine, world);
  const server = await startHeadlessServer({ handler: app.api, staticDir: rendererDir(), port, log: app.log.child('http'), ...(token ? { token } : {}), signInAnswer: (q) => app.signIns.receive(q) });
  app.signIns.useRedirect(servedRedirect(server.url));
  // As serve does: the address is printed once the page can be opened, and the engine connects
  // meanwhile (a broker that is slow or failing shows on the Connections screen, not as silence).
  // The leader starts trading once the engine is up, so its first trade is copied.
  const every = Number(stringOption(p, 'leader-every-ms') ?? 3000);
  app.engine.start().then(
    () => world.startLeader(Number.isFinite(every) && every > 0 ? every : 3000),
    (err: unknown) => app.log.error('engine start failed', { error: String(err) }),
  );
  const t = world.tradovate.urls();
  const px = world.projectx.urls();
  process.stdout.write(
    [
      'Mirrorfill demo: a simulated Tradovate leader trades MNQ by itself; five followers copy it.',
      `Simulated Tradovate at ${t.restUrl}, ProjectX at ${px.apiUrl}. Data in ${dataDir}${given ? '' : ' (deleted on exit)'}.`,
      'Open:',
      server.openUrl,
      '',
    ].join('\n'),
  );
  await untilSignal();
  await server.close();
  await app.close();
  await world.stop();
  if (!given) rmSync(dataDir, { recursive: true, force: true });
  return 0;
}
