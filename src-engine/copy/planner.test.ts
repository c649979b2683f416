import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { GroupInput } from '../api/config';
import { Catalog } from '../domain/instruments';
import type { ContractCode } from '../domain/contractCode';
import { buildGroup } from '../domain/groupEdit';
import type { Group } from '../domain/group';
import { moneyFromDollars, type Money } from '../domain/money';
import { Rational } from '../domain/rational';
import type { Decision, FollowerView } from './decision';
import type { Lifecycle } from './lifecycle';
import { planLeaderFill } from './planner';

const catalog = Catalog.load();
const NOW = Date.parse('2026-03-02T09:30:00-06:00');
const ES = catalog.frontMonth('ES', NOW);
const MES = catalog.frontMonth('MES', NOW);
const MNQ = catalog.frontMonth('MNQ', NOW);
const NQ = catalog.frontMonth('NQ', NOW);

function group(input: Omit<GroupInput, 'name' | 'leader'>): Group {
  return buildGroup({ name: 'G', leader: 'lead', ...input }, { id: 'g', existing: undefined, others: [], accountExists: () => true, catalog });
}

/** A follower whose orders fill at once: C is whatever the last decision sent it to. */
class Follower {
  readonly positions = new Map<ContractCode, number>();
  hardLocked = false;
  positionKnown = true;
  readonly liveMirrors = new Set<string>();
  /** Where the mirrors a grace awaits take the follower, per contract (none awaited when absent). */
  readonly settling = new Map<ContractCode, number>();
  entryGate: FollowerView['entryGate'] = undefined;
  maxContracts: number | undefined = undefined;
  constructor(
    readonly g: Group,
    readonly account: string,
    readonly balance: Money = moneyFromDollars(50_000),
  ) {}
  view(): FollowerView {
    const f = this.g.followers.find((x) => x.account === this.account);
    if (!f) throw new Error('not a follower');
    return {
      follower: f,
      balance: this.balance,
      current: (c) => this.positions.get(c) ?? 0,
      heldContracts: () => [...this.positions].filter(([, q]) => q !== 0).map(([c]) => c),
      openContractsExcept: (c) => [...this.positions].filter(([k]) => k !== c).reduce((s, [, q]) => s + Math.abs(q), 0),
      positionKnown: this.positionKnown,
      hardLocked: this.hardLocked,
      entryGate: this.entryGate,
      maxContracts: this.maxContracts,
      hasLiveMirror: (id) => this.liveMirrors.has(id),
      settlingTarget: (c) => this.settling.get(c),
    };
  }
  apply(d: Decision): void {
    if (d.kind === 'order') this.positions.set(d.contract, (this.positions.get(d.contract) ?? 0) + d.delta);
  }
}

/** Drives the planner like the engine: one leader, fills in sequence, decisions applied at once. */
class Leader {
  position = 0;
  lifecycle: Lifecycle | undefined;
  orderSeq = 0;
  last: readonly Decision[] = [];
  others: readonly Lifecycle[] = [];
  constructor(
    readonly g: Group,
    readonly followers: Follower[],
    readonly contract: ContractCode = ES,
    readonly balance: Money = moneyFromDollars(50_000),
  ) {}
  fill(signedQty: number, orderId = `o${++this.orderSeq}`, groupActive = true): readonly Decision[] {
    const out = planLeaderFill({
      group: this.g,
      groupActive,
      leaderAccount: 'lead',
      contract: this.contract,
      leaderOrderId: orderId,
      signedQty,
      before: this.position,
      lifecycle: this.lifecycle,
      followers: this.followers.map((f) => f.view()),
      leaderBalance: this.balance,
      catalog,
      now: NOW,
      otherLifecycles: this.others,
    });
    this.position += signedQty;
    this.lifecycle = out.lifecycle;
    for (const d of out.decisions) this.followers.find((f) => f.account === d.account)?.apply(d);
    this.last = out.decisions;
    return out.decisions;
  }
}

const orders = (ds: readonly Decision[]): number[] => ds.map((d) => (d.kind === 'order' ? d.delta : 0));

describe('planLeaderFill: sizing (§3)', () => {
  it('multiplies by the ratio and always returns to flat with the leader', () => {
    const g = group({ followers: [1, 2, 3, 5].map((r) => ({ account: `x${r}`, ratio: r })) });
    const fs = [1, 2, 3, 5].map((r) => new Follower(g, `x${r}`));
    const lead = new Leader(g, fs, MNQ);
    expect(orders(lead.fill(2))).toEqual([2, 4, 6, 10]);
    expect(orders(lead.fill(-2))).toEqual([-2, -4, -6, -10]);
    expect(lead.lifecycle).toBeUndefined();
  });

  it('ratio 0.5 tracks the target: entries round down, exits round up', () => {
    const g = group({ followers: [{ account: 'half', ratio: 0.5 }] });
    const f = new Follower(g, 'half');
    const lead = new Leader(g, [f], MES);
    expect(orders(lead.fill(1))).toEqual([0]);
    expect(lead.last[0]).toMatchObject({ kind: 'skip', reason: 'belowOneContract' });
    expect(orders(lead.fill(1))).toEqual([1]);
    expect(orders(lead.fill(1))).toEqual([0]);
    expect(orders(lead.fill(-1))).toEqual([0]);
    expect(orders(lead.fill(-1))).toEqual([-1]);
    expect(orders(lead.fill(-1))).toEqual([0]);
  });

  it.each([
    ['entryDownExitUp', [1, 0, -1, 0]],
    ['nearest', [2, -1, 0, -1]],
    ['alwaysDown', [1, 0, 0, -1]],
  ] as const)('rounding %s on 3 in, then out one at a time', (rounding, expected) => {
    const g = group({ settings: { rounding }, followers: [{ account: 'f', ratio: 0.5 }] });
    const lead = new Leader(g, [new Follower(g, 'f')], MES);
    expect([lead.fill(3), lead.fill(-1), lead.fill(-1), lead.fill(-1)].map((d) => orders(d)[0])).toEqual(expected);
  });

  it('fixed mode adds the ratio per leader order, partial fills counted once', () => {
    const g = group({ followers: [{ account: 'e', mode: 'fixed', ratio: 2 }] });
    const lead = new Leader(g, [new Follower(g, 'e')]);
    expect(orders(lead.fill(2, 'A'))).toEqual([2]);
    expect(orders(lead.fill(3, 'A'))).toEqual([0]); // same order's partial fill: Ef stays 2, El 5, T = 5×2/5
    expect(orders(lead.fill(5, 'B'))).toEqual([2]);
    expect(orders(lead.fill(-5))).toEqual([-2]);
    expect(orders(lead.fill(-5))).toEqual([-2]);
  });

  it('balance mode reads balances at the start and falls back to the micro below one contract', () => {
    const g = group({ settings: { mode: 'balance' }, followers: [{ account: 'f50' }, { account: 'f150' }, { account: 'f25' }] });
    const fs = [new Follower(g, 'f50', moneyFromDollars(50_000)), new Follower(g, 'f150', moneyFromDollars(150_000)), new Follower(g, 'f25', moneyFromDollars(25_000))];
    const lead = new Leader(g, fs, ES, moneyFromDollars(100_000));
    const ds = lead.fill(2);
    expect(ds.map((d) => (d.kind === 'order' ? [d.contract, d.delta] : d.kind))).toEqual([
      [ES, 1],
      [ES, 3],
      [MES, 5],
    ]);
    expect(orders(lead.fill(-2))).toEqual([-1, -3, -5]);
  });

  it('notional sizing keeps dollar exposure across a cross symbol (10 MNQ → 1 NQ)', () => {
    const g = group({ settings: { sizing: 'notional' }, followers: [{ account: 'big', cross: { MNQ: 'NQ' } }] });
    const f = new Follower(g, 'big');
    const lead = new Leader(g, [f], MNQ);
    expect(lead.fill(10)[0]).toMatchObject({ kind: 'order', contract: NQ, delta: 1 });
    expect(orders(lead.fill(5))).toEqual([0]);
    expect(orders(lead.fill(5))).toEqual([1]);
    expect(orders(lead.fill(-20))).toEqual([-2]);
  });

  it('a reversal is one order from the current position to the new signed target', () => {
    const g = group({ followers: [{ account: 'f', ratio: 2 }] });
    const lead = new Leader(g, [new Follower(g, 'f')]);
    expect(orders(lead.fill(2))).toEqual([4]);
    expect(orders(lead.fill(-3))).toEqual([-6]);
    expect(orders(lead.fill(1))).toEqual([2]);
  });

  it('exitWithLeader keeps the size until the leader is flat', () => {
    const g = group({ settings: { partialExit: 'exitWithLeader' }, followers: [{ account: 'w' }] });
    const lead = new Leader(g, [new Follower(g, 'w')], MES);
    expect(orders(lead.fill(3))).toEqual([3]);
    expect(orders(lead.fill(-1))).toEqual([0]);
    expect(orders(lead.fill(-2))).toEqual([-3]);
  });
});

describe('planLeaderFill: tracking, gates (§2, §6, §7)', () => {
  it('a follower added mid-lifecycle waits for the next one', () => {
    const g1 = group({ followers: [{ account: 'f1' }] });
    const f1 = new Follower(g1, 'f1');
    const lead = new Leader(g1, [f1]);
    lead.fill(3);
    const g2 = group({ followers: [{ account: 'f1' }, { account: 'f2' }] });
    const f1b = new Follower(g2, 'f1');
    f1b.positions.set(ES, 3);
    const f2 = new Follower(g2, 'f2');
    const lead2 = Object.assign(new Leader(g2, [f1b, f2]), { position: 3, lifecycle: lead.lifecycle });
    expect(orders(lead2.fill(-1))).toEqual([-1, 0]);
    expect(lead2.last[1]).toMatchObject({ kind: 'skip', reason: 'notTracking', detail: 'joinedLate' });
    lead2.fill(-2);
    expect(orders(lead2.fill(1))).toEqual([1, 1]);
  });

  it('a paused group sends nothing, exits included, and its followers stop tracking', () => {
    const g = group({ followers: [{ account: 'f' }] });
    const lead = new Leader(g, [new Follower(g, 'f')]);
    lead.fill(1);
    expect(lead.fill(-1, 'x', false)[0]).toMatchObject({ kind: 'skip', reason: 'groupPaused' });
  });

  it('entries are blocked while a gate is on, exits still go', () => {
    const g = group({ followers: [{ account: 'f' }] });
    const f = new Follower(g, 'f');
    const lead = new Leader(g, [f]);
    lead.fill(2);
    f.entryGate = 'softLock';
    expect(lead.fill(1)[0]).toMatchObject({ kind: 'skip', reason: 'entriesBlocked', gate: 'softLock' });
    expect(orders(lead.fill(-3))).toEqual([-2]);
  });

  it('maxContracts clamps to the cap and never beyond, across symbols', () => {
    const g = group({ followers: [{ account: 'f', ratio: 2 }] });
    const f = new Follower(g, 'f');
    f.maxContracts = 3;
    const lead = new Leader(g, [f]);
    expect(orders(lead.fill(1))).toEqual([2]);
    expect(orders(lead.fill(1))).toEqual([1]);
    expect(orders(lead.fill(1))).toEqual([0]);
    expect(orders(lead.fill(-2))).toEqual([-1]);
    expect(orders(lead.fill(-1))).toEqual([-2]);
    f.positions.set(NQ, 2);
    expect(orders(lead.fill(1))).toEqual([1]);
  });

  it('a hard lock receives nothing and stops tracking the lifecycle', () => {
    const g = group({ followers: [{ account: 'f' }] });
    const f = new Follower(g, 'f');
    const lead = new Leader(g, [f]);
    lead.fill(1);
    f.hardLocked = true;
    expect(lead.fill(1)[0]).toMatchObject({ kind: 'skip', reason: 'locked' });
    f.hardLocked = false;
    expect(lead.fill(1)[0]).toMatchObject({ kind: 'skip', reason: 'notTracking' });
  });

  it('an account whose broker position is not known yet gets no order, only its target recorded (§8, fail closed)', () => {
    const g = group({ followers: [{ account: 'f', ratio: 2 }] });
    const f = new Follower(g, 'f');
    const lead = new Leader(g, [f]);
    expect(orders(lead.fill(1))).toEqual([2]);
    f.positionKnown = false;
    expect(lead.fill(2)[0]).toMatchObject({ kind: 'skip', reason: 'positionUnknown' });
    expect(lead.lifecycle?.followers['f']).toMatchObject({ tracking: true, lastTarget: 6 });
    f.positionKnown = true;
    expect(orders(lead.fill(-3))).toEqual([-2]);
  });

  it('a fill from an order the follower mirrors waits for the mirror, even when C already equals T (stacked mirrors, §5)', () => {
    const g = group({ followers: [{ account: 'half', ratio: 0.5 }] });
    const f = new Follower(g, 'half');
    const lead = new Leader(g, [f], MES);
    expect(orders(lead.fill(4))).toEqual([2]);
    f.positions.set(MES, 1); // the first take-profit's mirror filled with the leader's
    lead.fill(-1, 'tp1');
    f.liveMirrors.add('tp2');
    expect(lead.fill(-1, 'tp2')[0]).toMatchObject({ kind: 'awaitMirror', target: 1, current: 1, leaderOrderId: 'tp2' });
  });

  it('while an awaited mirror is still to fill, the next order is sized from where it takes the follower, not C', () => {
    // Chaos seed 757874588: the leader's take-profit filled while the follower's bracket copy (its
    // entry counted in C, its take-profit not) was still on its way; the market reversal right
    // behind it was sized from C and bought 4 too many.
    const g = group({ followers: [{ account: 'f', ratio: 2 }] });
    const f = new Follower(g, 'f');
    const lead = new Leader(g, [f], MNQ);
    expect(orders(lead.fill(-2))).toEqual([-4]);
    expect(orders(lead.fill(-2, 'bracket'))).toEqual([-4]);
    f.liveMirrors.add('tp');
    expect(orders(lead.fill(1))).toEqual([2]);
    expect(lead.fill(2, 'tp')[0]).toMatchObject({ kind: 'awaitMirror', target: -2, current: -6 });
    f.settling.set(MNQ, -2);
    expect(lead.fill(2)[0]).toMatchObject({ kind: 'order', target: 2, current: -6, delta: 4 });
  });

  it('an exit behind an awaited take-profit mirror sells only its own share', () => {
    const g = group({ followers: [{ account: 'f', ratio: 1 }] });
    const f = new Follower(g, 'f');
    const lead = new Leader(g, [f], MES);
    expect(orders(lead.fill(4))).toEqual([4]);
    f.liveMirrors.add('tp');
    expect(lead.fill(-2, 'tp')[0]).toMatchObject({ kind: 'awaitMirror', target: 2, current: 4 });
    f.settling.set(MES, 2);
    expect(lead.fill(-1)[0]).toMatchObject({ kind: 'order', target: 1, current: 4, delta: -1 });
  });

  it('an exit never grows what the follower holds, but takes one found on the other side of the leader to its target', () => {
    const g = group({ followers: [{ account: 'f', ratio: 1 }] });
    const f = new Follower(g, 'f');
    const lead = new Leader(g, [f], MES);
    expect(orders(lead.fill(3))).toEqual([3]);
    f.positions.set(MES, 1); // cut back by hand: the leader's exit does not buy it back up
    expect(orders(lead.fill(-1))).toEqual([0]);
    // A native leg that filled after the leader's leg was cancelled (engine down) took it short;
    // clamped, the exit left it flat beside a leader still long (chaos seed 512850357).
    f.positions.set(MES, -1);
    expect(lead.fill(-1)[0]).toMatchObject({ kind: 'order', delta: 2, target: 1, current: -1 });
  });

  it('a ratio edited mid-lifecycle sizes the next fill at once (§1)', () => {
    const g1 = group({ followers: [{ account: 'f', ratio: 1 }] });
    const f = new Follower(g1, 'f');
    const lead = new Leader(g1, [f]);
    expect(orders(lead.fill(2))).toEqual([2]);
    const g2 = group({ followers: [{ account: 'f', ratio: 2 }] });
    const lead2 = Object.assign(new Leader(g2, [Object.assign(new Follower(g2, 'f'), { positions: f.positions })]), { position: 2, lifecycle: lead.lifecycle });
    expect(orders(lead2.fill(1))).toEqual([4]);
    expect(orders(lead2.fill(-2))).toEqual([-4]);
  });

  it('fixed mode: entries after a ratio edit add the new ratio, earlier ones stay', () => {
    const g1 = group({ followers: [{ account: 'e', mode: 'fixed', ratio: 2 }] });
    const f = new Follower(g1, 'e');
    const lead = new Leader(g1, [f]);
    expect(orders(lead.fill(1, 'A'))).toEqual([2]);
    const g2 = group({ followers: [{ account: 'e', mode: 'fixed', ratio: 3 }] });
    const lead2 = Object.assign(new Leader(g2, [Object.assign(new Follower(g2, 'e'), { positions: f.positions })]), { position: 1, lifecycle: lead.lifecycle });
    expect(orders(lead2.fill(1, 'B'))).toEqual([3]);
  });

  it('a root whitelisted mid-lifecycle waits for the next lifecycle (§2)', () => {
    const g1 = group({ settings: { whitelist: ['NQ'] }, followers: [{ account: 'f' }] });
    const lead = new Leader(g1, [new Follower(g1, 'f')]);
    lead.fill(2);
    const g2 = group({ settings: { whitelist: ['NQ', 'ES'] }, followers: [{ account: 'f' }] });
    const lead2 = Object.assign(new Leader(g2, [new Follower(g2, 'f')]), { position: 2, lifecycle: lead.lifecycle });
    expect(lead2.fill(1)[0]).toMatchObject({ kind: 'skip', reason: 'notTracking', detail: 'notWhitelisted' });
    lead2.fill(-3);
    expect(orders(lead2.fill(1))).toEqual([1]);
  });

  it('a soft lock at the start, or one that held entries back, blocks entries until the leader is flat (§2, §6)', () => {
    const g = group({ followers: [{ account: 'f' }] });
    const f = new Follower(g, 'f');
    const lead = new Leader(g, [f]);
    f.entryGate = 'softLock';
    expect(lead.fill(1)[0]).toMatchObject({ kind: 'skip', reason: 'entriesBlocked', gate: 'softLock' });
    f.entryGate = undefined;
    expect(lead.fill(1)[0]).toMatchObject({ kind: 'skip', reason: 'entriesBlocked', gate: 'softLock' });
    lead.fill(-2);
    expect(orders(lead.fill(1))).toEqual([1]);
    f.entryGate = 'softLock';
    expect(orders(lead.fill(1))).toEqual([0]);
    f.entryGate = undefined;
    expect(orders(lead.fill(1))).toEqual([0]);
    expect(orders(lead.fill(-2))).toEqual([0]);
    expect(orders(lead.fill(-1))).toEqual([-1]);
  });

  it('a leftover in the other variant of the product is closed when the next lifecycle starts (§2: absorbed, never doubled)', () => {
    const g = group({ followers: [{ account: 'f', ratio: 0.5 }] });
    const f = new Follower(g, 'f');
    f.positions.set(MES, 5); // left over from a micro-fallback lifecycle during a pause
    const lead = new Leader(g, [f]);
    const ds = lead.fill(2);
    expect(ds.map((d) => (d.kind === 'order' ? [d.contract, d.delta, d.absorb ?? false] : d.kind))).toEqual([
      [ES, 1, false],
      [MES, -5, true],
    ]);
    expect(orders(lead.fill(1))).toEqual([0]); // mid-lifecycle: nothing more to absorb
  });

  it('a contract the follower trades in another open lifecycle of the leader is not a leftover', () => {
    const g = group({ followers: [{ account: 'f', ratio: 0.5 }] });
    const f = new Follower(g, 'f');
    const mesLead = new Leader(g, [f], MES);
    mesLead.fill(4);
    expect(f.positions.get(MES)).toBe(2);
    const esLead = Object.assign(new Leader(g, [f]), { others: mesLead.lifecycle ? [mesLead.lifecycle] : [] });
    expect(esLead.fill(2).map((d) => (d.kind === 'order' ? [d.contract, d.delta] : d.kind))).toEqual([[ES, 1]]);
  });

  it('the whitelist skips other roots for every follower', () => {
    const g = group({ settings: { whitelist: ['ES', 'MES'] }, followers: [{ account: 'f' }] });
    const lead = new Leader(g, [new Follower(g, 'f')], NQ);
    expect(lead.fill(1)[0]).toMatchObject({ kind: 'skip', reason: 'notWhitelisted' });
  });
});

describe('planLeaderFill: properties', () => {
  const ratios = fc.constantFrom('0.1', '0.29', '0.5', '0.7', '1', '1.5', '2', '3', '7.3');
  const fills = fc.array(fc.integer({ min: -7, max: 7 }).filter((q) => q !== 0), { minLength: 1, maxLength: 40 });
  const roundings = fc.constantFrom('entryDownExitUp', 'nearest', 'alwaysDown' as const);

  it('never holds the opposite side of the leader, never exceeds |P|×k rounded up, flat with the leader', () => {
    fc.assert(
      fc.property(ratios, roundings, fills, (ratio, rounding, seq) => {
        const g = group({ settings: { rounding, autoMiniMicro: false }, followers: [{ account: 'f', ratio }] });
        const f = new Follower(g, 'f');
        const lead = new Leader(g, [f]);
        const k = Rational.parse(ratio);
        for (const q of seq) {
          lead.fill(q);
          const P = lead.position;
          const C = f.positions.get(ES) ?? 0;
          expect(C === 0 || Math.sign(C) === Math.sign(P)).toBe(true);
          expect(Math.abs(C)).toBeLessThanOrEqual(k.mulInt(Math.abs(P)).ceil());
          if (P === 0) expect(C).toBe(0);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('the target depends only on the leader position, not on how fills were split (multiplier)', () => {
    fc.assert(
      fc.property(ratios, fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 10 }), (ratio, parts) => {
        const g = group({ settings: { autoMiniMicro: false }, followers: [{ account: 'f', ratio }] });
        const split = new Follower(g, 'f');
        const whole = new Follower(g, 'f');
        const a = new Leader(g, [split]);
        for (const p of parts) a.fill(p);
        const b = new Leader(g, [whole]);
        b.fill(parts.reduce((s, p) => s + p, 0));
        expect(split.positions.get(ES) ?? 0).toBe(whole.positions.get(ES) ?? 0);
      }),
    );
  });
});

describe('planLeaderFill: a ratio per leader root (§3, issue 22)', () => {
  it('sizes the root with its own ratio and the other roots with the follower’s', () => {
    const g = group({ followers: [{ account: 'f', ratio: 1, ratios: { MNQ: 2 } }] });
    const f = new Follower(g, 'f');
    const onMnq = new Leader(g, [f], MNQ);
    const onMes = new Leader(g, [f], MES);
    expect(orders(onMnq.fill(2))).toEqual([4]);
    expect(orders(onMes.fill(2))).toEqual([2]);
    expect(orders(onMnq.fill(-1))).toEqual([-2]);
    expect(orders(onMes.fill(-2))).toEqual([-2]);
  });

  it('fixed mode adds the root’s ratio per leader order in that root only', () => {
    const g = group({ settings: { mode: 'fixed' }, followers: [{ account: 'e', ratio: 1, ratios: { MNQ: 3 } }] });
    const f = new Follower(g, 'e');
    const onMnq = new Leader(g, [f], MNQ);
    const onMes = new Leader(g, [f], MES);
    expect(orders(onMnq.fill(2, 'A'))).toEqual([3]);
    expect(orders(onMnq.fill(5, 'B'))).toEqual([3]);
    expect(orders(onMes.fill(4, 'C'))).toEqual([1]);
  });

  it('a cross symbol is sized with the LEADER root’s ratio, not the traded root’s', () => {
    const g = group({ followers: [{ account: 'x', ratio: 1, ratios: { MNQ: 2, NQ: 10 }, cross: { MNQ: 'NQ' } }] });
    const lead = new Leader(g, [new Follower(g, 'x')], MNQ);
    expect(lead.fill(3)[0]).toMatchObject({ kind: 'order', contract: NQ, delta: 6 });
  });

  it('the micro fallback is decided with the leader root’s ratio (1 NQ × 0.5 → 5 MNQ); a ratio for the micro root does not apply', () => {
    const g = group({ followers: [{ account: 'm', ratio: 1, ratios: { NQ: 0.5, MNQ: 3 } }] });
    const lead = new Leader(g, [new Follower(g, 'm')], NQ);
    expect(lead.fill(1)[0]).toMatchObject({ kind: 'order', contract: MNQ, delta: 5 });
    expect(lead.fill(1)[0]).toMatchObject({ kind: 'order', contract: MNQ, delta: 5 });
  });

  it('an edit of a root’s ratio takes effect at the next fill in that root; another root’s edit leaves it', () => {
    const g1 = group({ followers: [{ account: 'f', ratio: 1, ratios: { MNQ: 2 } }] });
    const f = new Follower(g1, 'f');
    const lead = new Leader(g1, [f], MNQ);
    expect(orders(lead.fill(1))).toEqual([2]);
    const other = group({ followers: [{ account: 'f', ratio: 1, ratios: { MNQ: 2, MES: 5 } }] });
    const lead2 = Object.assign(new Leader(other, [Object.assign(new Follower(other, 'f'), { positions: f.positions })], MNQ), { position: 1, lifecycle: lead.lifecycle });
    expect(orders(lead2.fill(1))).toEqual([2]);
    const raised = group({ followers: [{ account: 'f', ratio: 1, ratios: { MNQ: 3 } }] });
    const lead3 = Object.assign(new Leader(raised, [Object.assign(new Follower(raised, 'f'), { positions: f.positions })], MNQ), { position: 2, lifecycle: lead2.lifecycle });
    expect(orders(lead3.fill(1))).toEqual([5]);
  });
});
