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
  LockEvidenceView,
  LockView,
  RiskAccountView,
} from '../api/views';
import { parseContractCode } from '../domain/contractCode';
import { groupStatus, syncOn, type Group } from '../domain/group';
import { toGroupInput } from '../domain/groupEdit';
import { moneyToDollars, type Money } from '../domain/money';
import { isSecretKey } from '../domain/redact';
import { followerRootFor } from '../copy/join';
import type { EngineCore } from './core';
import { quarantinedRoots } from './controls';
import type { RiskLockRecord } from './riskPort';

const dollars = (m: Money | undefined): number | undefined => (m === undefined ? undefined : moneyToDollars(m));

export function connectionViews(core: EngineCore, hasSecret: (id: string) => boolean): ConnectionView[] {
  const rows = core.config.connections();
  return rows.map((row) => {
    const rt = core.connections.get(row.id);
    const settings: Record<string, string> = {};
    // A secret-named key saved before settings were checked strictly is never shown.
    for (const [k, v] of Object.entries(row.settings)) if ((typeof v === 'string' || typeof v === 'number') && !isSecretKey(k)) settings[k] = String(v);
    return {
      id: row.id,
      broker: row.broker,
      name: row.name,
      settings,
      hasSecret: hasSecret(row.id),
      status: rt ? rt.status : { state: 'stopped' },
      budget: rt ? rt.connection.budget() : undefined,
      accountIds: [...core.accounts.values()].filter((a) => a.connectionId === row.id).map((a) => a.id),
    };
  });
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
  for (const [c] of leaderBook?.openPositions() ?? []) leaderRoots.add(parseContractCode(c).root);
  for (const o of leaderBook?.openOrders() ?? []) leaderRoots.add(parseContractCode(o.contract).root);
  const lifecycles = g.leader !== undefined ? core.lifecyclesOf(g.leader) : [];
  for (const lc of lifecycles) leaderRoots.add(lc.root);

  const followerRows: Record<string, FollowerRowView[]> = {};
  for (const f of g.followers) {
    const book = core.books.get(f.account);
    const rows: FollowerRowView[] = [];
    const roots = new Set(leaderRoots);
    for (const [c] of book?.openPositions() ?? []) roots.add(parseContractCode(c).root);
    for (const root of roots) {
      const lc = lifecycles.find((l) => l.root === root);
      const track = lc?.followers[f.account];
      const contract = track?.contract;
      const position = contract !== undefined ? (book?.position(contract) ?? 0) : sumRoot(book?.openPositions() ?? [], followerRootFor(g, f, root));
      const target = track?.tracking ? track.lastTarget : lc ? undefined : 0;
      rows.push({
        root,
        contract,
        position,
        target,
        tracking: track?.tracking ?? false,
        notTracking: track && !track.tracking ? track.notTracking : undefined,
        inSync: !core.outOfSync.has(`${f.account}|${root}`) && (target === undefined || target === position),
        syncOn: syncOn(f, root),
        quarantined: track?.entryBlock === 'quarantine',
      });
    }
    followerRows[f.account] = rows.sort((a, b) => a.root.localeCompare(b.root));
  }
  const leaderNumbers = g.leader !== undefined ? core.risk.numbers(g.leader) : undefined;
  return {
    id: g.id,
    name: g.name,
    status: groupStatus(g),
    input: toGroupInput(g),
    followerRows,
    leaderRoots: [...leaderRoots].sort(),
    todayPnl: dollars(leaderNumbers?.dayPnl),
  };
}

function sumRoot(positions: readonly [string, number][], root: string): number {
  return positions.filter(([c]) => parseContractCode(c).root === root).reduce((s, [, q]) => s + q, 0);
}

export function riskViews(core: EngineCore): RiskAccountView[] {
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
      const cap = r.consistency.profitTarget * r.consistency.maxDayShare;
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
