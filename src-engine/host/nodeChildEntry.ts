/**
 * The engine's process under a plain Node runtime, as a `child_process.fork` child: the same
 * `runEngineProcess` the desktop app's utility process runs, with Electron's parentPort played over
 * Node's IPC channel. It exists for the stand-in runtime test (a Node of another ABI stands in for
 * Electron, which cannot be downloaded everywhere).
 *
 * IPC protocol, parent → child: `{host: HostCommand}` (shutdown), `{api: RequestEnvelope}`;
 * child → parent: `{report: HostReport}`, `{api: ServerMessage}`. MessagePorts cannot cross an IPC
 * channel, so this process keeps the API port's other end and relays it.
 *
 * Arguments: the host's own (`--data-dir`, `--demo`, `--native-dir`) and `--leader-every-ms N`.
 */
import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import type { HostReport } from '../api/contract';
import { MemorySecretStore } from '../secrets/memorySecretStore';
import { runEngineProcess, type MainPortLike, type ParentPortLike } from './utilityProcessHost';

type Send = (message: unknown, callback: (err: Error | null) => void) => boolean;

const send = process.send?.bind(process) as Send | undefined;
if (!send) throw new Error('nodeChildEntry runs as a child_process.fork child (it needs an IPC channel)');

let inFlight = 0;
let drained: (() => void) | undefined;
const post = (message: unknown): void => {
  inFlight++;
  send(message, () => {
    if (--inFlight === 0) drained?.();
  });
};
/** Exits once every IPC message has left: a report posted just before exit must reach the parent. */
const exit = (code: number): void => {
  if (inFlight === 0) process.exit(code);
  drained = () => process.exit(code);
};

const emitter = new EventEmitter();
const parent: ParentPortLike = {
  on: (event, listener) => emitter.on(event, listener),
  postMessage: (report: HostReport) => post({ report }),
};

// Main's own API port: one end to the engine, the other relayed over IPC.
const { port1, port2 } = new MessageChannel();
const enginePort: MainPortLike = {
  on: (event: 'message' | 'close', listener: (e: { readonly data: unknown }) => void) =>
    event === 'message' ? port1.on('message', (data: unknown) => listener({ data })) : port1.on('close', () => listener({ data: undefined })),
  postMessage: (m) => port1.postMessage(m),
  start: () => port1.start(),
  close: () => port1.close(),
};
port2.on('message', (m: unknown) => post({ api: m }));

process.on('message', (m: { host?: unknown; api?: unknown }) => {
  if (m.host !== undefined) emitter.emit('message', { data: m.host, ports: [] });
  if (m.api !== undefined) port2.postMessage(m.api);
});
// The parent going away ends this process, as Electron ends a utility process with its main.
process.on('disconnect', () => process.exit(0));

const argv = process.argv.slice(2);
const leaderAt = argv.indexOf('--leader-every-ms');
const leaderEveryMs = leaderAt >= 0 ? Number(argv[leaderAt + 1]) : undefined;
const host = runEngineProcess(parent, {
  argv,
  exit,
  host: { secrets: new MemorySecretStore(), startSettleMs: 500, ...(leaderEveryMs !== undefined ? { leaderEveryMs } : {}) },
});
if (host) emitter.emit('message', { data: { type: 'port', role: 'main' }, ports: [enginePort] });
