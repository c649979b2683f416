/** For the simulator's tests: one REST call to it, its status, its JSON (when it is JSON) and its text. */
import type { Harness } from '../testHarness';

export async function rest(t: Harness, path: string, init: { method?: string; token?: string; body?: unknown; query?: string } = {}): Promise<{ status: number; json: unknown; text: string }> {
  const url = `${t.sim.urls().restUrl}/${path}${init.query ?? ''}`;
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.token !== undefined ? { Authorization: `Bearer ${init.token}` } : {}), ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}
