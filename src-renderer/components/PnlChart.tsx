/** A small SVG chart of a lock's PnL path with the rule's threshold and the moment it fired. */
import type { ReactNode } from 'react';
import type { LockEvidenceView } from '../../src-engine/api/views';
import { clock, money } from '../lib/format';

const W = 640;
const H = 200;
const PAD = { l: 70, r: 12, t: 12, b: 26 };

export function PnlChart({ lock }: { lock: LockEvidenceView }): ReactNode {
  const useNetLiq = lock.rule === 'trailingDrawdown';
  const series = lock.pnlPath.map((p) => ({ t: p.time, v: useNetLiq ? p.netLiq : p.dayPnl }));
  if (series.length === 0) return <div className="muted">No PnL path was recorded for this lock.</div>;
  const firstFill = lock.fills.reduce((m, f) => Math.min(m, f.time), Number.POSITIVE_INFINITY);
  const lastT = Math.max(lock.startedAt, ...series.map((s) => s.t));
  // The path starts at the trading day's open; zoom to the trading that led to the lock.
  const from = Math.max(series[0]?.t ?? lastT, Math.min(Number.isFinite(firstFill) ? firstFill : lastT, lastT - 60_000) - 60_000);
  const span = Math.max(1, lastT - from);
  const values = [...series.map((s) => s.v), lock.threshold, ...(useNetLiq ? [] : [0])];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < 1e-9) {
    hi += 1;
    lo -= 1;
  }
  const padV = (hi - lo) * 0.08;
  lo -= padV;
  hi += padV;
  const x = (t: number): number => PAD.l + ((Math.max(t, from) - from) / span) * (W - PAD.l - PAD.r);
  const y = (v: number): number => PAD.t + (1 - (v - lo) / (hi - lo)) * (H - PAD.t - PAD.b);
  const points = series.map((s) => `${x(s.t).toFixed(1)},${y(s.v).toFixed(1)}`).join(' ');
  const last = series[series.length - 1];
  const label = useNetLiq ? 'Net liquidation' : 'Day PnL';
  return (
    <figure className="pnl-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label} path up to the lock, with the threshold ${money(lock.threshold)}`}>
        <rect className="plot-bg" x={PAD.l} y={PAD.t} width={W - PAD.l - PAD.r} height={H - PAD.t - PAD.b} />
        {!useNetLiq ? <line className="zero" x1={PAD.l} x2={W - PAD.r} y1={y(0)} y2={y(0)} /> : null}
        <line className="threshold" x1={PAD.l} x2={W - PAD.r} y1={y(lock.threshold)} y2={y(lock.threshold)} />
        {/* At the left: the lock and the last moves sit at the right edge. */}
        <text className="axis threshold-label" x={PAD.l + 4} y={y(lock.threshold) - 4} textAnchor="start">
          threshold {money(lock.threshold)}
        </text>
        <line className="lock-moment" x1={x(lock.startedAt)} x2={x(lock.startedAt)} y1={PAD.t} y2={H - PAD.b} />
        {lock.fills.map((f) => (
          <line key={f.fillId} className={`fill-tick ${f.side}`} x1={x(f.time)} x2={x(f.time)} y1={H - PAD.b} y2={H - PAD.b - 6} />
        ))}
        <polyline className="path" points={points} />
        {last ? <circle className="path-end" cx={x(last.t)} cy={y(last.v)} r="3" /> : null}
        <text className="axis" x={PAD.l - 6} y={PAD.t + 10} textAnchor="end">
          {money(hi - padV, { whole: Math.abs(hi) > 1000 })}
        </text>
        <text className="axis" x={PAD.l - 6} y={H - PAD.b} textAnchor="end">
          {money(lo + padV, { whole: Math.abs(lo) > 1000 })}
        </text>
        <text className="axis" x={PAD.l} y={H - 8}>
          {clock(from)}
        </text>
        <text className="axis" x={W - PAD.r} y={H - 8} textAnchor="end">
          {clock(lastT)}
        </text>
      </svg>
      <figcaption className="muted small">
        {label} (line), the rule&apos;s threshold (dashed), the lock (vertical), fills (ticks on the axis).
      </figcaption>
    </figure>
  );
}
