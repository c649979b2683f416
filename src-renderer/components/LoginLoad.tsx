/**
 * A connection's login, what it carries and what it is doing now (copy-semantics §8a): the
 * capacity sentence in a warning tone when it carries little, the broker's limits and which one
 * decides, and, live, the requests left, the queue with its oldest wait, and a penalty wait.
 */
import type { ReactNode } from 'react';
import type { ConnectionView } from '../../src-engine/api/views';
import { capacitySentence } from '../lib/capacityWords';
import { capacityTone, limitsSentence, loginLoad } from '../lib/loginLoadWords';

export function LoginLoad({ c, now }: { c: ConnectionView; now: number }): ReactNode {
  const load = loginLoad(c, now);
  if (!c.capacity && !load) return null;
  return (
    <section className="login-load" aria-label={`Copy capacity of ${c.name}`}>
      {c.capacity ? (
        <>
          <div className={`capacity ${capacityTone(c.capacity)}`}>{capacitySentence(c.broker, c.capacity)}</div>
          <div className="muted small">{limitsSentence(c.broker, c.capacity, c.budget)}</div>
        </>
      ) : null}
      {/* Not a live region: it ticks every second, which a screen reader would read out each time. */}
      {load ? (
        <div className={`load-now ${load.tone}`}>
          {load.now.map((part, i) => (
            <span key={i}>{part}</span>
          ))}
        </div>
      ) : null}
    </section>
  );
}
