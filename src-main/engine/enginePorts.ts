/**
 * The MessageChannelMain plumbing (architecture practice 2, "main is not a relay"): for each
 * consumer main creates a channel, gives one end to the engine (`child.postMessage(msg, [port])`)
 * and the other to the consumer — its own EngineLink, or the window
 * (`webContents.postMessage('engine-port', null, [port])`). Renderer and engine then talk directly.
 *
 * Ports die with either side, so they are made again whenever the engine becomes ready (first start
 * or restart) and whenever the window finishes loading (first load or reload).
 */
import type { MainLog } from '../log/mainLog';
import type { EngineChild, PortPair, WebContentsSeam } from '../seams';
import { ENGINE_PORT } from '../ipcChannels';
import type { EngineLink } from './engineLink';

export interface EnginePortsDeps {
  readonly createChannel: () => PortPair;
  readonly link: EngineLink;
  readonly log: MainLog;
}

export class EnginePorts {
  private engine: EngineChild | undefined;
  private window: WebContentsSeam | undefined;

  constructor(private readonly deps: EnginePortsDeps) {}

  /** The engine serves the API: main and the window each get a fresh port to it. */
  engineReady(engine: EngineChild): void {
    this.engine = engine;
    this.connectMain();
    this.connectWindow();
  }

  engineGone(): void {
    this.engine = undefined;
    this.deps.link.disconnect('the engine stopped');
  }

  /** The page (re)loaded: its old port went with the old page. */
  windowLoaded(contents: WebContentsSeam): void {
    this.window = contents;
    this.connectWindow();
  }

  windowGone(): void {
    this.window = undefined;
  }

  private connectMain(): void {
    const engine = this.engine;
    if (!engine) return;
    const { port1, port2 } = this.deps.createChannel();
    engine.postMessage({ type: 'port', role: 'main' }, [port1]);
    this.deps.link.connect(port2);
  }

  private connectWindow(): void {
    const engine = this.engine;
    const contents = this.window;
    if (!engine || !contents || contents.isDestroyed()) return;
    const { port1, port2 } = this.deps.createChannel();
    engine.postMessage({ type: 'port', role: 'window' }, [port1]);
    contents.postMessage(ENGINE_PORT, null, [port2]);
    this.deps.log.info('engine port sent to the window');
  }
}
