/**
 * Sign in with Tradovate in the page: ask the engine for the sign-in address, open it (a new tab
 * under serve; the system browser on the desktop, where main opens it), and wait for the engine's
 * `signIn` event with this sign-in's id. The link stays on screen in case no tab opened.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { CommandRequest } from '../../src-engine/api/contract';
import { errorWords, useCommand, useNow, useServices } from '../app/hooks';
import { untilText } from '../lib/format';

export type SignInState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'waiting'; readonly signInId: string; readonly authorizeUrl: string; readonly expiresAt: number }
  | { readonly kind: 'ended'; readonly ok: boolean; readonly message: string };

export function useTradovateSignIn(): {
  state: SignInState;
  start: (args: CommandRequest<'connections.signIn'>) => Promise<boolean>;
  cancel: () => void;
  busy: boolean;
} {
  const { client } = useServices();
  const { run, busy } = useCommand();
  const [state, setState] = useState<SignInState>({ kind: 'idle' });
  const waitingId = state.kind === 'waiting' ? state.signInId : undefined;

  useEffect(() => {
    if (waitingId === undefined) return undefined;
    return client.onEvent((e) => {
      if (e.type === 'signIn' && e.signInId === waitingId) setState({ kind: 'ended', ok: e.outcome === 'connected', message: e.message });
    });
  }, [client, waitingId]);

  const start = useCallback(
    async (args: CommandRequest<'connections.signIn'>): Promise<boolean> => {
      const r = await run('connections.signIn', args, { failTitle: false });
      if (!r.ok) {
        setState({ kind: 'ended', ok: false, message: errorWords(r.error) });
        return false;
      }
      setState({ kind: 'waiting', ...r.result });
      window.open(r.result.authorizeUrl, '_blank', 'noopener,noreferrer');
      return true;
    },
    [run],
  );

  const cancel = useCallback(() => {
    if (waitingId !== undefined) void run('connections.signInCancel', { signInId: waitingId }, { failTitle: false });
  }, [run, waitingId]);

  return { state, start, cancel, busy };
}

export function SignInProgress({ state, onCancel }: { state: SignInState; onCancel: () => void }): ReactNode {
  const now = useNow(1000);
  if (state.kind === 'idle') return null;
  if (state.kind === 'ended') {
    return (
      <div className={`note ${state.ok ? 'ok' : 'warn'}`} role="status" aria-label="Tradovate sign-in">
        {state.message}
      </div>
    );
  }
  return (
    <div className="note" role="status" aria-label="Tradovate sign-in">
      Waiting for you to sign in on Tradovate&apos;s page (it opened in your browser; {untilText(state.expiresAt, now)} left).{' '}
      <a href={state.authorizeUrl} target="_blank" rel="noopener noreferrer">
        Open the sign-in page again
      </a>{' '}
      <button type="button" className="ghost small" onClick={onCancel}>
        Cancel sign-in
      </button>
    </div>
  );
}
