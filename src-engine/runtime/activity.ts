/**
 * The Activity feed: follower orders (from the intent journal), skipped decisions with their
 * reasons, rejections with the broker's words, locks. Read from SQLite for history; built from
 * engine events for the live feed. CSV export for the trader's own records.
 */
import type { ActivityFilter } from '../api/contract';
import type { ActivityKind, ActivityRow } from '../api/views';
import { parseContractCode } from '../domain/contractCode';
import type { Db } from '../store/db';
import type { EngineEvent, IntentView } from './events';

interface IntentRowDb {
  tag: string;
  created_at: number;
  updated_at: number;
  group_id: string | null;
  account_id: string;
  contract: string;
  purpose: string;
  side: string;
  qty: number;
  type: string;
  price: number | null;
  status: string;
  filled_qty: number;
  reason: string | null;
}

interface DecisionRowDb {
  id: number;
  time: number;
  group_id: string | null;
  account_id: string;
  contract: string | null;
  kind: string;
  reason: string | null;
  detail: string | null;
}

export function intentText(i: Pick<IntentView, 'side' | 'qty' | 'contract' | 'type' | 'price' | 'purpose' | 'status' | 'filledQty'>): string {
  const root = parseContractCode(i.contract).root;
  const at = i.type === 'market' ? '' : ` ${i.type} @ ${String(i.price)}`;
  const fill = i.status === 'partial' ? ` (${i.filledQty}/${i.qty})` : '';
  return `${i.side} ${i.qty} ${root}${at} — ${i.purpose} — ${i.status}${fill}`;
}

export function rowFromIntent(i: IntentView): ActivityRow {
  return {
    id: `i:${i.tag}`,
    time: i.createdAt,
    kind: i.status === 'rejected' ? 'rejection' : 'order',
    groupId: i.groupId,
    accountId: i.accountId,
    root: parseContractCode(i.contract).root,
    text: intentText(i),
    brokerReason: i.status === 'rejected' ? i.reason : undefined,
    status: i.status,
    purpose: i.purpose,
    order: { side: i.side, qty: i.qty, type: i.type, price: i.price, filledQty: i.filledQty },
  };
}

/** Live rows from engine events (the history comes from listActivity). */
export function rowFromEvent(e: EngineEvent, seq: number): ActivityRow | undefined {
  const base = { id: `e:${seq}`, time: Date.now(), groupId: undefined, brokerReason: undefined, status: undefined };
  switch (e.t) {
    case 'intent':
      return rowFromIntent(e.intent);
    case 'decision':
      if (e.kind === 'order' || (e.kind === 'skip' && e.reason === 'atTarget')) return undefined;
      return { ...base, time: e.time, kind: decisionKind(e.kind), groupId: e.groupId, accountId: e.accountId, root: e.contract ? parseContractCode(e.contract).root : undefined, text: decisionText(e.kind, e.reason, e.detail), reason: e.reason, detail: e.detail, purpose: e.kind };
    case 'rejection':
      return { ...base, kind: 'rejection', accountId: e.accountId, root: parseContractCode(e.contract).root, text: `rejected; ${e.action === 'quarantine' ? 'symbol quarantined until the leader is flat' : e.action === 'retry' ? 'exit retried once' : e.action === 'outOfSync' ? 'marked out of sync' : 'no further action'}`, brokerReason: e.reason };
    case 'lock':
      return { ...base, kind: 'lock', accountId: e.accountId, root: undefined, text: `${e.on ? 'locked' : 'unlocked'}: ${e.rule} (${e.kind})`, reason: e.rule };
    case 'quarantine':
      return { ...base, kind: 'quarantine', accountId: e.accountId, root: e.root, text: `${e.on ? 'quarantined' : 'quarantine released'}: ${e.reason}` };
    case 'outOfSync':
      return { ...base, kind: 'outOfSync', accountId: e.accountId, root: e.root, text: e.on ? `out of sync: ${e.detail}` : 'back in sync' };
    case 'connection':
      if (e.status.state === 'reconnecting') return { ...base, kind: 'connection', accountId: undefined, root: undefined, text: `${e.connectionId}: connection lost (${e.status.reason}); retry ${e.status.attempt}` };
      if (e.status.state === 'failed') return { ...base, kind: 'connection', accountId: undefined, root: undefined, text: `${e.connectionId}: failed`, brokerReason: e.status.reason };
      if (e.status.state === 'connected') return { ...base, kind: 'connection', accountId: undefined, root: undefined, text: `${e.connectionId}: connected` };
      return undefined;
    default:
      return undefined;
  }
}

function decisionKind(kind: string): ActivityKind {
  if (kind === 'skip' || kind === 'leaderFill' || kind === 'user') return kind;
  return 'control';
}

function decisionText(kind: string, reason: string | undefined, detail: string | undefined): string {
  // The trader's own actions and the leader's fills carry their sentence whole.
  if ((kind === 'user' || kind === 'leaderFill') && detail !== undefined) return detail;
  const why = [reason, detail].filter((x) => x !== undefined && x !== '').join(': ');
  return kind === 'skip' ? `no order: ${why}` : `${kind}${why ? ` — ${why}` : ''}`;
}

export function listActivity(db: Db, filter: ActivityFilter = {}, before: number | undefined, limit: number): ActivityRow[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (filter.groupId !== undefined) {
    where.push('group_id = ?');
    args.push(filter.groupId);
  }
  if (filter.accountId !== undefined) {
    where.push('account_id = ?');
    args.push(filter.accountId);
  }
  if (filter.root !== undefined) {
    where.push("(contract = ? OR contract LIKE ? || ':%')");
    args.push(filter.root, filter.root);
  }
  const intentWhere = [...where, ...(before !== undefined ? ['created_at < ?'] : [])];
  const decisionWhere = [...where, "kind NOT IN ('order')", "NOT (kind = 'skip' AND reason = 'atTarget')", ...(before !== undefined ? ['time < ?'] : [])];
  const tail = before !== undefined ? [before] : [];
  // The kind filter goes into each query, before its LIMIT: filtered after, a page of another
  // kind's rows would crowd out the ones asked for and the history would end early.
  const kinds = filter.kinds ? new Set<ActivityKind>(filter.kinds) : undefined;
  const wantIntents = !kinds || kinds.has('order') || kinds.has('rejection');
  const decisionKinds = kinds ? decisionKindSql([...kinds]) : undefined;
  if (decisionKinds !== undefined) decisionWhere.push(decisionKinds);
  const intents = wantIntents
    ? (db.prepare(`SELECT * FROM intents ${intentWhere.length ? `WHERE ${intentWhere.join(' AND ')}` : ''} ORDER BY created_at DESC LIMIT ?`).all(...args, ...tail, limit) as IntentRowDb[])
    : [];
  const decisions =
    decisionKinds === 'FALSE'
      ? []
      : (db.prepare(`SELECT id, time, group_id, account_id, contract, kind, reason, detail FROM decisions WHERE ${decisionWhere.join(' AND ')} ORDER BY time DESC, id DESC LIMIT ?`).all(...args, ...tail, limit) as DecisionRowDb[]);
  const rows: ActivityRow[] = [
    ...intents.map((r) =>
      rowFromIntent({ tag: r.tag, createdAt: r.created_at, groupId: r.group_id ?? undefined, accountId: r.account_id, contract: r.contract as IntentView['contract'], purpose: r.purpose as IntentView['purpose'], side: r.side as 'buy' | 'sell', qty: r.qty, type: r.type as IntentView['type'], price: r.price ?? undefined, status: r.status as IntentView['status'], filledQty: r.filled_qty, reason: r.reason ?? undefined, brokerOrderId: undefined, cause: '', updatedAt: r.updated_at }),
    ),
    ...decisions.map((d): ActivityRow => ({
      id: `d:${d.id}`,
      time: d.time,
      kind: decisionKind(d.kind),
      groupId: d.group_id ?? undefined,
      accountId: d.account_id,
      root: d.contract ? parseContractCode(d.contract).root : undefined,
      text: decisionText(d.kind, d.reason ?? undefined, d.detail ?? undefined),
      brokerReason: undefined,
      status: undefined,
      reason: d.reason ?? undefined,
      detail: d.detail ?? undefined,
      purpose: d.kind,
    })),
  ];
  return rows
    .filter((r) => !kinds || kinds.has(r.kind))
    .sort((a, b) => b.time - a.time)
    .slice(0, limit);
}

/** The decision rows of the asked activity kinds, as an SQL condition ('FALSE' when none can match). */
function decisionKindSql(kinds: readonly ActivityKind[]): string {
  const parts: string[] = [];
  for (const k of kinds) {
    if (k === 'skip' || k === 'leaderFill' || k === 'user') parts.push(`kind = '${k}'`);
    else if (k === 'control') parts.push("kind NOT IN ('skip', 'leaderFill', 'user')");
  }
  return parts.length ? `(${parts.join(' OR ')})` : 'FALSE';
}

/**
 * For API clients without a screen (the app builds its own export, in the trader's time zone):
 * group and account names, not ids; times in UTC, said so in the header.
 */
export function activityCsv(rows: readonly ActivityRow[], names: { group: (id: string) => string; account: (id: string) => string } = { group: (id) => id, account: (id) => id }): string {
  const head = ['time (UTC)', 'kind', 'group', 'account', 'symbol', 'status', 'text', 'broker_reason'];
  const lines = rows.map((r) => [new Date(r.time).toISOString(), r.kind, r.groupId ? names.group(r.groupId) : '', r.accountId ? names.account(r.accountId) : '', r.root ?? '', r.status ?? '', r.text, r.brokerReason ?? ''].map(csvCell).join(','));
  return `${head.join(',')}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}

function csvCell(v: string): string {
  // Quote always; neutralise formula injection when the file is opened in a spreadsheet.
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}
