/**
 * Engine state → the API's views. Read-only; built on request (snapshot) so the hot path never
 * pays for the UI.
 */
import type {
  AccountView,
  ConnectionView,
  FollowerRowView,
  GaugeView,
  GroupView,
  HoldingView,
  LockEvidenceView,
  LockView,
  RiskAccountView,
  SyncStepView,
  TradeFillView,
  WorkingOrderView,
} from '../api/views';
import { parseContractCode, type ContractCode } from '../domain/contractCode';
import { groupStatus, syncOn, whitelisted, type Follower, type Group, type GroupStatus } from '../domain/group';
import { toGroupInput } from '../domain/groupEdit';
import { moneyToDollars, type Money } from '../domain/money';
import { isSecretKey } from '../api/redact';
import { followerRootFor } from '../copy/join';
import { planSync } from '../copy/sync';
import type { BrokerOrder } from '../orders/broker';
import type { EngineCore } from './core';
import { quarantinedRoots } from './controls';
import { connectionCapacity } from './loginCapacity';
import { groupRoots, rootOf, rowContracts, rowRootOf } from './followerRows';
import { followerRowState } from './followerRowState';
import { rowConnection } from './rowConnection';
import type { RiskLockRecord } from './riskPort';

const dollars = (m: Money | undefined): number | undefined => (m === undefined ? undefined : moneyToDollars(m));

export function connectionViews(core: EngineCore, hasSecret: (id: string) => boolean): ConnectionView[] {
  const rows = core.config.connections();
  return rows.map((row) => {
    const rt = core.connections.get(row.id);
    const settings: Record<string, string> = {};
    // A secret-named key saved before settings were checked strictly is never shown.
    for (const [k, v] of Object.entries(row.settings)) if ((typeof v === 'string' || typeof v === 'number') && !isSecretKey(k)) settings[k] = String(v);
    const budget = rt ? rt.connection.budget() : undefined;
    return {
      id: row.id,
      broker: row.broker,
      name: row.name,
      settings,
      hasSecret: hasSecret(row.id),
      status: rt ? rt.status : { state: 'stopped' },
      budget,
      capacity: connectionCapacity(core, row.id, row.broker, budget),
      queue: queueView(core.dispatcher.queueOf(row.id)),
      accountIds: [...core.accounts.values()].filter((a) => a.connectionId === row.id).map((a) => a.id),
    };
  });
}

function queueView(q: { readonly queued: number; readonly oldestSince: number | undefined }): ConnectionView['queue'] {
  return { queued: q.queued, ...(q.oldestSince !== undefined ? { oldestSince: q.oldestSince } : {}) };
}

export function accountViews(core: EngineCore, latency: (account: string) => AccountView['latency']): AccountView[] {
  return [...core.accounts.values()].map((a) => {
    const book = core.books.get(a.id);
    const leaderOf = core.groupOfLeader(a.id);
    const followerOf = leaderOf ? undefined : core.groupOfFollower(a.id);
    const g = leaderOf ?? followerOf;
    const locks = core.risk.locks({ accountId: a.id, open: true });
    const lock = locks.find((l) => l.kind === 'breach') ?? locks[0];
    const numbers = core.risk.numbers(a.id);
    const outOfSync: { root: string; detail: string }[] = [];
    for (const [key, detail] of core.outOfSync) {
      const [acc, root] = key.split('|');
      if (acc === a.id && root !== undefined) outOfSync.push({ root, detail });
    }
    return {
      id: a.id,
      name: a.name,
      connectionId: a.connectionId,
      broker: core.connections.get(a.connectionId)?.row.broker ?? core.config.connections().find((c) => c.id === a.connectionId)?.broker ?? 'paper',
      balance: moneyToDollars(book?.balance ?? (0 as Money)),
      live: book?.live ?? false,
      positions: (book?.openPositions() ?? []).map(([contract, netPos]) => ({ contract, root: parseContractCode(contract).root, netPos })),
      workingOrders: (book?.openOrders() ?? []).map((o) => ({ orderId: o.orderId, contract: o.contract, root: parseContractCode(o.contract).root, side: o.side, qty: o.qty, type: o.type, price: o.price, status: o.status })),
      role: g ? { groupId: g.id, groupName: g.name, role: leaderOf ? 'leader' : 'follower' } : undefined,
      locked: lock ? lock.kind : false,
      lockRule: lock?.rule,
      riskUnknown: numbers.riskUnknown,
      quarantined: quarantinedRoots(core, a.id),
      outOfSync,
      risk: a.risk,
      latency: latency(a.id),
    };
  });
}

export function groupViews(core: EngineCore): GroupView[] {
  return [...core.groups.values()].map((g) => groupView(core, g));
}

function groupView(core: EngineCore, g: Group): GroupView {
  const leaderBook = g.leader !== undefined ? core.books.get(g.leader) : undefined;
  const leaderRoots = new Set<string>();
  for (const [c] of leaderBook?.openPositions() ?? []) leaderRoots.add(rootOf(c));
  for (const o of leaderBook?.openOrders() ?? []) leaderRoots.add(rootOf(o.contract));
  const lifecycles = g.leader !== undefined ? core.lifecyclesOf(g.leader) : [];
  for (const lc of lifecycles) leaderRoots.add(lc.root);
  const roots = groupRoots(core, g);
  const status = groupStatus(g);

  const followerRows: Record<string, FollowerRowView[]> = {};
  const allRoots = new Set(roots);
  for (const f of g.followers) {
    const rows = followerRowViews(core, g, f, roots, status);
    for (const r of rows) allRoots.add(r.root);
    followerRows[f.account] = rows;
  }
  const leaderNumbers = g.leader !== undefined ? core.risk.numbers(g.leader) : undefined;
  return {
    id: g.id,
    name: g.name,
    status,
    input: toGroupInput(g),
    followerRows,
    leaderRoots: [...leaderRoots].sort(),
    roots: [...allRoots].sort(),
    leaderHoldings: g.leader !== undefined ? holdingViews(core, g.leader) : [],
    recentTrades: recentTrades(core, g),
    todayPnl: dollars(leaderNumbers?.dayPnl),
  };
}

/** One row per group root (and per contract no root claims), holdings on the row of the root they copy. */
function followerRowViews(core: EngineCore, g: Group, f: Follower, roots: ReadonlySet<string>, status: GroupStatus): FollowerRowView[] {
  const book = core.books.get(f.account);
  const holdings = holdingViews(core, f.account);
  const orders = (book?.openOrders() ?? []).map(workingOrderView);
  const byRoot = new Map<string, { holdings: HoldingView[]; orders: WorkingOrderView[] }>();
  const slot = (root: string): { holdings: HoldingView[]; orders: WorkingOrderView[] } => {
    let s = byRoot.get(root);
    if (!s) byRoot.set(root, (s = { holdings: [], orders: [] }));
    return s;
  };
  for (const r of roots) slot(r);
  for (const h of holdings) slot(rowRootOf(core, g, f, roots, h.contract as ContractCode)).holdings.push(h);
  for (const o of orders) slot(rowRootOf(core, g, f, roots, o.contract as ContractCode)).orders.push(o);

  const locks = core.risk.openLocks(f.account);
  const connected = book !== undefined && book.known && book.live;
  const account = core.accounts.get(f.account);
  const connection = connected || !account ? undefined : rowConnection({ runtime: core.connections.get(account.connectionId), name: core.config.connections().find((c) => c.id === account.connectionId)?.name ?? account.connectionId, now: core.clock.now() });
  const rows: FollowerRowView[] = [];
  for (const [root, mine] of byRoot) {
    const open = g.leader !== undefined ? core.lifecyclesOf(g.leader).filter((l) => l.root === root && l.leaderPosition !== 0) : [];
    const lc = open[0];
    const track = lc?.followers[f.account];
    const followerRoot = followerRootFor(g, f, root);
    // The contract it trades: the lifecycle's once decided and copied; before that (or while it
    // copies nothing) what it really holds, e.g. the micro it fell back to in an earlier trade.
    const decided = track?.tracking === true && track.contractSettled ? track.contract : undefined;
    const contract = (decided ?? mine.holdings[0]?.contract ?? track?.contract ?? mine.orders[0]?.contract) as ContractCode | undefined;
    const position = contract !== undefined ? (book?.position(contract) ?? 0) : 0;
    const current = contract !== undefined ? core.current(f.account, contract) : 0;
    const stray = mine.holdings.filter((h) => h.contract !== contract).reduce((s, h) => s + Math.abs(h.netPos), 0);
    const target = track?.tracking ? track.lastTarget : lc ? undefined : 0;
    const flags = new Set([root, followerRoot, ...(contract !== undefined ? [rootOf(contract)] : []), ...mine.holdings.map((h) => rootOf(h.contract as ContractCode))]);
    const outOfSync = [...flags].map((r) => core.outOfSync.get(`${f.account}|${r}`)).find((d) => d !== undefined);
    const quarantined = track?.entryBlock === 'quarantine';
    const state = followerRowState({
      group: status,
      lockRule: locks[0]?.rule,
      enabled: f.enabled,
      syncOn: syncOn(f, root),
      connected,
      connection,
      quarantined,
      // A follower the lifecycle does not list joined after it began: it waits for the next entry.
      track: track ? { tracking: track.tracking, notTracking: track.notTracking } : lc ? { tracking: false, notTracking: 'joinedLate' } : undefined,
      leaderFlat: lc === undefined,
      current,
      strayContracts: stray,
      target,
      outOfSync,
    });
    rows.push({
      root,
      contract,
      followerRoot,
      position,
      target,
      tracking: track?.tracking ?? false,
      notTracking: track && !track.tracking ? track.notTracking : undefined,
      inSync: state.kind === 'copying',
      syncOn: syncOn(f, root),
      quarantined,
      state,
      leaderPosition: open.reduce((s, l) => s + l.leaderPosition, 0),
      holdings: mine.holdings,
      workingOrders: mine.orders,
      syncWould: syncPreview(core, g, f, root),
    });
  }
  return rows.sort((a, b) => a.root.localeCompare(b.root));
}

/** What Sync would send for this row now (the same planning the control does, nothing sent). */
function syncPreview(core: EngineCore, g: Group, f: Follower, root: string): SyncStepView[] {
  if (g.leader === undefined || !whitelisted(g, root)) return [];
  const view = core.followerView(g, f);
  if (view.hardLocked || !view.positionKnown) return [];
  const lifecycles = core.lifecyclesOf(g.leader).filter((lc) => lc.root === root && lc.leaderPosition !== 0);
  if (lifecycles.length > 0) {
    const leaderBalance = core.books.get(g.leader)?.balance ?? (0 as Money);
    return lifecycles.flatMap((lc) => {
      const { decision } = planSync({ group: g, lifecycle: lc, view, leaderBalance, catalog: core.catalog, now: core.clock.now() });
      return decision.kind === 'order' ? [{ contract: decision.contract, from: decision.current, to: decision.target }] : [];
    });
  }
  return [...rowContracts(core, g, f, root)].map((c) => ({ contract: c, from: core.current(f.account, c), to: 0 })).filter((s) => s.from !== 0);
}

function holdingViews(core: EngineCore, account: string): HoldingView[] {
  const priced = new Map(core.risk.openPositions(account).map((p) => [p.contract, p]));
  return (core.books.get(account)?.openPositions() ?? []).map(([contract, netPos]) => {
    const p = priced.get(contract);
    const samePosition = p !== undefined && p.netPos === netPos;
    return {
      contract,
      netPos,
      avgPrice: samePosition ? p.avgPrice : undefined,
      mark: p?.mark ?? core.quotes.get(contract)?.price,
      openPnl: samePosition ? dollars(p.openPnl) : undefined,
    };
  });
}

function workingOrderView(o: BrokerOrder): WorkingOrderView {
  return { orderId: o.orderId, contract: o.contract, root: rootOf(o.contract), side: o.side, qty: o.qty, type: o.type, price: o.price, status: o.status };
}

/** The group's last fills that realized PnL (the trades' exits), leader and followers, newest first. */
function recentTrades(core: EngineCore, g: Group): TradeFillView[] {
  const accounts = [...(g.leader !== undefined ? [g.leader] : []), ...g.followers.map((f) => f.account)];
  const out: TradeFillView[] = [];
  for (const a of accounts) {
    // Walked back from today's position: a fill against the position it met closed (part of) a trade.
    const book = core.books.get(a);
    const held = new Map<string, number>();
    const fills = core.risk.dayFills(a, 40);
    for (let i = fills.length - 1; i >= 0; i--) {
      const fill = fills[i];
      if (fill === undefined) continue;
      const signed = fill.side === 'buy' ? fill.qty : -fill.qty;
      const after = held.get(fill.contract) ?? book?.position(fill.contract) ?? 0;
      const before = after - signed;
      held.set(fill.contract, before);
      const closing = before !== 0 && Math.sign(before) !== Math.sign(signed);
      if (!closing || fill.realized === undefined) continue;
      out.push({ accountId: a, contract: fill.contract, side: fill.side, qty: fill.qty, price: fill.price, time: fill.time, realized: moneyToDollars(fill.realized) });
    }
  }
  return out.sort((x, y) => y.time - x.time).slice(0, 30);
}

/** `presetLabel` names a fee schedule's preset for people ("Topstep 50K Trading Combine"). */
export function riskViews(core: EngineCore, presetLabel: (id: string) => string | undefined = () => undefined): RiskAccountView[] {
  return [...core.accounts.values()].map((a) => {
    const n = core.risk.numbers(a.id);
    const gauges: GaugeView[] = [];
    const r = a.risk;
    if (r.dailyLoss !== undefined && n.dayPnl !== undefined) {
      const loss = Math.max(0, -moneyToDollars(n.dayPnl));
      gauges.push({ label: 'Daily loss', value: -loss, limit: -r.dailyLoss, use: Math.min(1, loss / r.dailyLoss) });
    }
    if (r.trailingDrawdown !== undefined && n.netLiq !== undefined && n.trailingThreshold !== undefined && n.highWaterMark !== undefined) {
      const room = moneyToDollars(n.netLiq) - moneyToDollars(n.trailingThreshold);
      gauges.push({ label: 'Trailing drawdown', value: moneyToDollars(n.netLiq), limit: moneyToDollars(n.trailingThreshold), use: Math.min(1, Math.max(0, 1 - room / r.trailingDrawdown.amount)) });
    }
    if (r.maxContracts !== undefined) gauges.push({ label: 'Contracts', value: n.openContracts, limit: r.maxContracts, use: Math.min(1, n.openContracts / r.maxContracts) });
    if (r.dailyProfitTarget !== undefined && n.dayPnl !== undefined) {
      gauges.push({ label: 'Daily profit target', value: moneyToDollars(n.dayPnl), limit: r.dailyProfitTarget, use: Math.min(1, Math.max(0, moneyToDollars(n.dayPnl) / r.dailyProfitTarget)) });
    }
    if (r.consistency !== undefined && n.dayPnl !== undefined) {
      // The engine's threshold: with a totalProfit or winningDays basis it grows with the account's history.
      const cap = n.consistencyThreshold !== undefined ? moneyToDollars(n.consistencyThreshold) : r.consistency.profitTarget * r.consistency.maxDayShare;
      gauges.push({ label: 'Consistency (day share)', value: moneyToDollars(n.dayPnl), limit: cap, use: Math.min(1, Math.max(0, moneyToDollars(n.dayPnl) / cap)) });
    }
    return {
      accountId: a.id,
      dayPnl: dollars(n.dayPnl),
      netLiq: dollars(n.netLiq),
      highWaterMark: dollars(n.highWaterMark),
      trailingThreshold: dollars(n.trailingThreshold),
      openContracts: n.openContracts,
      gauges,
      rules: r,
      riskUnknown: n.riskUnknown,
      fees: {
        today: moneyToDollars(n.fees.today),
        source: n.fees.source,
        schedule: n.fees.schedule === undefined ? undefined : { kind: n.fees.schedule, label: n.fees.preset !== undefined ? (presetLabel(n.fees.preset) ?? 'a preset') : 'your own figures' },
      },
      balanceDrift: n.drift ? { broker: moneyToDollars(n.drift.broker), engine: moneyToDollars(n.drift.engine) } : undefined,
      snapshotDrift: n.snapshotDrift ? { broker: moneyToDollars(n.snapshotDrift.broker), engine: moneyToDollars(n.snapshotDrift.engine), at: n.snapshotDrift.at } : undefined,
    };
  });
}

export function lockView(l: RiskLockRecord): LockView {
  const values: Record<string, number> = {};
  for (const [k, v] of Object.entries(l.evidence.values)) values[k] = moneyToDollars(v);
  return {
    id: l.id,
    accountId: l.accountId,
    kind: l.kind,
    rule: l.rule,
    startedAt: l.startedAt,
    tradingDay: l.tradingDay,
    endedAt: l.endedAt,
    endReason: l.endReason,
    acknowledgement: l.acknowledgement,
    threshold: moneyToDollars(l.evidence.threshold),
    value: moneyToDollars(l.evidence.value),
    values,
  };
}

export function lockEvidenceView(l: RiskLockRecord): LockEvidenceView {
  return {
    ...lockView(l),
    fills: l.evidence.fills.map((f) => ({ fillId: f.fillId, contract: f.contract, side: f.side, qty: f.qty, price: f.price, time: f.time, realized: dollars(f.realized) })),
    pnlPath: l.evidence.pnlPath.map((p) => ({ time: p.time, dayPnl: moneyToDollars(p.dayPnl), netLiq: moneyToDollars(p.netLiq) })),
  };
}
