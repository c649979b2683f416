/**
 * The preload (bundled to dist/main/preload.cjs, run sandboxed with contextIsolation): exposes ONE
 * object, `window.mirrorfill`, written against the contract's `MirrorfillApi`. No ipcRenderer and no
 * port is exposed; the page gets verbs. Secrets can be set and cleared through `invoke`
 * (`connections.setSecret` / `connections.clearSecret`); the contract has no command that reads one.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { MirrorfillApi } from '../src-engine/api/contract';
import { ENGINE_PORT, ENGINE_STATE } from './ipcChannels';
import { isEngineProcessState, PreloadEngineClient } from './preload/engineClient';

const client = new PreloadEngineClient();

// Only main sends on these channels (a page cannot address another page's preload).
ipcRenderer.on(ENGINE_PORT, (event) => {
  const port = event.ports[0];
  if (port) client.usePort(port);
});
ipcRenderer.on(ENGINE_STATE, (_event, state: unknown) => {
  if (isEngineProcessState(state)) client.setEngineState(state);
});

const api = {
  invoke: (cmd, args) => client.api.invoke(cmd, args),
  onEvent: (listener) => client.api.onEvent(listener),
} satisfies MirrorfillApi;

contextBridge.exposeInMainWorld('mirrorfill', api);
