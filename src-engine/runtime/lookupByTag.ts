/**
 * "Is our order at the broker?" asked before anything is sent again under its tag (§8: resend only
 * when certain). A broker may not list an order placed a moment ago (Tradovate builds it from
 * several entities, ProjectX's search lags its hub), so one empty answer proves nothing: the tag is
 * looked up again over a short window, and only several empty answers in a row mean "not there".
 */
import type { BrokerConnection, BrokerOrder } from '../orders/broker';

/** Lookups before "not found" is believed, and the pause before each repeat. */
export const NOT_FOUND_LOOKUPS = 3;
export const NOT_FOUND_REPEAT_MS = [250, 750] as const;

/** `pause` waits on the engine's clock and timers (EngineCore.later), so a stopped engine stops asking. */
export async function lookUpTag(connection: BrokerConnection, brokerAccountId: string, tag: string, pause: (ms: number) => Promise<boolean>): Promise<BrokerOrder | null> {
  for (let n = 0; ; n++) {
    const found = await connection.findOrderByTag(brokerAccountId, tag);
    if (found || n + 1 >= NOT_FOUND_LOOKUPS) return found;
    if (!(await pause(NOT_FOUND_REPEAT_MS[Math.min(n, NOT_FOUND_REPEAT_MS.length - 1)] ?? 0))) return found;
  }
}
