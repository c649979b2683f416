/**
 * Reads the demo engine's state the way any API client does (the WebSocket API with the token), so
 * a spec can check what an account holds at its broker after the trader acted on screen.
 */
import WebSocket from 'ws';
import type { CommandName, CommandRequest, CommandResult, ServerMessage } from '../src-engine/api/contract';
import { socketProtocols } from '../src-engine/api/socketAuth';
import type { AccountView } from '../src-engine/api/views';
import type { Demo } from './demoHost';

export async function invoke<N extends CommandName>(demo: Demo, cmd: N, args: CommandRequest<N>): Promise<CommandResult<N>> {
  // Authorised as the app does it: the token offered as a WebSocket subprotocol (never in the address).
  const ws = new WebSocket(`${demo.url.replace('http:', 'ws:')}/api`, socketProtocols(demo.token));
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return await new Promise<CommandResult<N>>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        const m = JSON.parse(data.toString()) as ServerMessage;
        if (!('id' in m) || m.id !== 1) return;
        if (m.ok) resolve(m.result as CommandResult<N>);
        else reject(new Error(m.error.message));
      });
      ws.send(JSON.stringify({ id: 1, cmd, args }));
    });
  } finally {
    ws.close();
  }
}

/** The account with that display name, as the engine holds it now (positions and working orders from its broker). */
export async function account(demo: Demo, name: string): Promise<AccountView> {
  const snap = await invoke(demo, 'state.get', {});
  const a = snap.accounts.find((x) => x.name === name);
  if (!a) throw new Error(`no account ${name}`);
  return a;
}
