/** React access to the services and small shared hooks. */
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { SnapshotView } from '../../src-engine/api/views';
import type { CommandName, CommandRequest, CommandResult } from '../../src-engine/api/contract';
import { labelled, toApiError, uniqueMessages, type ApiError } from '../api/errors';
import { commandFailed, inWords } from '../lib/words';
import type { Services } from './services';

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('ServicesContext missing');
  return s;
}

export function useSnapshot(): SnapshotView | undefined {
  const { snapshot } = useServices();
  return useStore(snapshot.store, (s) => s.snapshot);
}

/** The current time, ticking every `everyMs` (countdowns, "next try in N s"). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export interface CommandOptions {
  /** Toast when done. */
  readonly done?: string;
  /** Toast title when refused/failed; false to stay quiet (the form shows it). */
  readonly failTitle?: string | false;
}

/**
 * Runs one command with a busy flag; failures become a toast (or are returned for the form).
 * Resolves to the result, or to the ApiError.
 */
export function useCommand(): {
  run: <N extends CommandName>(cmd: N, args: CommandRequest<N>, opts?: CommandOptions) => Promise<{ ok: true; result: CommandResult<N> } | { ok: false; error: ApiError }>;
  busy: boolean;
} {
  const { client, alerts } = useServices();
  const [busy, setBusy] = useState(0);
  const run = useCallback(
    async <N extends CommandName>(cmd: N, args: CommandRequest<N>, opts: CommandOptions = {}): Promise<{ ok: true; result: CommandResult<N> } | { ok: false; error: ApiError }> => {
      setBusy((b) => b + 1);
      try {
        const result = await client.invoke(cmd, args);
        if (opts.done) alerts.push({ level: 'success', title: opts.done, body: '', topic: 'app' });
        return { ok: true, result };
      } catch (err) {
        const error = toApiError(err);
        if (opts.failTitle !== false) alerts.push({ level: 'warning', title: opts.failTitle ?? commandFailed(cmd, error.kind), body: errorWords(error), topic: 'app' });
        return { ok: false, error };
      } finally {
        setBusy((b) => b - 1);
      }
    },
    [client, alerts],
  );
  return { run, busy: busy > 0 };
}

/** A refusal's messages, each once, labelled by the field's name (never its path), in words. */
export function errorWords(error: ApiError): string {
  if (error.kind !== 'refused' || error.issues.length === 0) return inWords(error.message);
  return uniqueMessages(error.issues.map((i) => inWords(i.field ? labelled(i.field, i.message) : i.message))).join('; ');
}
