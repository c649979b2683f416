/**
 * Deterministic idempotency tags: the same (cause, follower, purpose) always yields the same tag,
 * so a decision replayed after a crash finds its order at the broker instead of sending another.
 * Short and plain ([a-z0-9-]) because brokers limit tags (ProjectX customTag, Tradovate clOrdId ≤ 64).
 */
import { hash } from 'node:crypto';

export function intentTag(cause: string, accountId: string, purpose: string): string {
  // One-shot hash: twenty tags per leader fill sit on the hot path.
  const digest = hash('sha256', `${cause}\u0000${accountId}\u0000${purpose}`, 'buffer');
  return `mf${base32(digest.subarray(0, 10))}`;
}

/** The retry of a rejected exit (§6: retried once) gets its own tag, derived from the first. */
export function retryTag(tag: string, attempt: number): string {
  return `${tag}-r${attempt}`;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET.charAt((value << (5 - bits)) & 31);
  return out;
}

/**
 * A broker's refusal because an order with this tag already exists (ProjectX "custom tag already in
 * use", a duplicate Tradovate clOrdId): not a rejection of our order but proof that it reached the
 * broker once. The answer is to look the tag up, never to treat the order as rejected.
 */
export function isTagInUse(reason: string | undefined): boolean {
  return reason !== undefined && /tag already in use|duplicate.*(tag|clordid)/i.test(reason);
}
