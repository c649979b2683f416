/**
 * The risk rules of copy-semantics §7 as pure functions: validation of what the user typed,
 * compilation into exact Money, and evaluation against an account's figures. No state, no clock,
 * no I/O: the RiskEngine feeds numbers in and acts on what comes out.
 *
 * | rule              | when                                   | kind              |
 * |-------------------|----------------------------------------|-------------------|
 * | dailyLoss         | day PnL ≤ −limit                       | breach            |
 * | trailingDrawdown  | net liq ≤ min(HWM − amount, stopAt)    | breach            |
 * | maxContracts      | (a clamp, enforced by the copier)      | —                 |
 * | dailyProfitTarget | day PnL ≥ target                       | soft              |
 * | consistency       | day PnL ≥ maxDayShare × profitTarget   | soft              |
 * | session           | clock reaches flattenAt (Chicago)      | soft, and flatten |
 */
import { RiskRulesInput } from '../api/config';
import { formatMoney, money, MONEY_SCALE, type Money } from '../domain/money';
import { Rational } from '../domain/rational';
import type { Issue } from '../domain/refusal';
import { chicagoTimeInTradingDay, formatChicago, nextRollAt, parseHhmm, ROLL_HOUR } from '../domain/tradingDay';

export type LockRule = 'dailyLoss' | 'trailingDrawdown' | 'dailyProfitTarget' | 'consistency' | 'session';
export type LockKind = 'breach' | 'soft';
export type TrailingMode = 'intraday' | 'endOfDay';
export type ConsistencyBasis = 'profitTarget' | 'totalProfit' | 'winningDays';

export const RULE_KIND: Readonly<Record<LockRule, LockKind>> = {
  dailyLoss: 'breach',
  trailingDrawdown: 'breach',
  dailyProfitTarget: 'soft',
  consistency: 'soft',
  session: 'soft',
};

/** Rules in exact units, ready to evaluate. */
export interface CompiledRules {
  readonly dailyLoss: Money | undefined;
  readonly trailingDrawdown: { readonly amount: Money; readonly mode: TrailingMode; readonly stopAt: Money | undefined } | undefined;
  readonly maxContracts: number | undefined;
  readonly dailyProfitTarget: Money | undefined;
  /** `threshold` = ⌈maxDayShare × profitTarget⌉ in Money units: day PnL (an integer) ≥ the exact product iff ≥ its ceiling. */
  readonly consistency: { readonly profitTarget: Money; readonly maxDayShare: Rational; readonly threshold: Money; readonly basis: ConsistencyBasis } | undefined;
  readonly session: { readonly flattenAt: string } | undefined;
}

/** Dollars typed by a user (a decimal literal) to Money, exactly. Validation has ensured whole cents. */
export function dollarsToMoney(dollars: number): Money {
  return money(Rational.fromDecimalNumber(dollars).mulInt(MONEY_SCALE).roundHalfAwayFromZero());
}

export function compileRules(input: RiskRulesInput): CompiledRules {
  const td = input.trailingDrawdown;
  const c = input.consistency;
  return {
    dailyLoss: input.dailyLoss !== undefined ? dollarsToMoney(input.dailyLoss) : undefined,
    trailingDrawdown: td
      ? { amount: dollarsToMoney(td.amount), mode: td.mode ?? 'intraday', stopAt: td.stopAt !== undefined ? dollarsToMoney(td.stopAt) : undefined }
      : undefined,
    maxContracts: input.maxContracts,
    dailyProfitTarget: input.dailyProfitTarget !== undefined ? dollarsToMoney(input.dailyProfitTarget) : undefined,
    consistency: c
      ? (() => {
          const share = Rational.fromDecimalNumber(c.maxDayShare);
          const profitTarget = dollarsToMoney(c.profitTarget);
          return { profitTarget, maxDayShare: share, threshold: money(share.mulInt(profitTarget).ceil()), basis: c.basis ?? 'profitTarget' };
        })()
      : undefined,
    session: input.session ? { flattenAt: input.session.flattenAt } : undefined,
  };
}

/** Rules that need live PnL; an account with any of them is fail-closed when PnL is unknown. */
export function hasPnlRules(r: CompiledRules): boolean {
  return r.dailyLoss !== undefined || r.trailingDrawdown !== undefined || r.dailyProfitTarget !== undefined || r.consistency !== undefined;
}

// ---- trailing drawdown --------------------------------------------------------------------------

/** The level net liq must stay above: HWM − amount, no higher than stopAt once it gets there. */
export function trailingThreshold(highWaterMark: Money, rule: NonNullable<CompiledRules['trailingDrawdown']>): Money {
  const t = highWaterMark - rule.amount;
  return money(rule.stopAt !== undefined ? Math.min(t, rule.stopAt) : t);
}

/**
 * The high-water mark after an event. Intraday: every net-liq change can raise it. End of day:
 * only the closing net liq at a roll can. A high-water mark never comes down.
 */
export function nextHighWaterMark(hwm: Money, netLiq: Money, mode: TrailingMode, event: 'mark' | 'roll'): Money {
  if (mode === 'endOfDay' && event !== 'roll') return hwm;
  return netLiq > hwm ? netLiq : hwm;
}

// ---- evaluation ---------------------------------------------------------------------------------

/** An account's figures at one moment, all exact. */
export interface RiskFigures {
  readonly dayPnl: Money;
  readonly netLiq: Money;
  readonly highWaterMark: Money;
  /** Net profit before today, since the account was first seen (for a totalProfit consistency rule). */
  readonly priorProfit?: Money;
  /** The sum of the earlier winning days' PnL (for a winningDays consistency rule). */
  readonly priorWinningDays?: Money;
}

/**
 * The day PnL at which the consistency rule locks. A firm requires best day ÷ (profit) < share at
 * payout or pass; the profit is the account's total net profit or the sum of its winning days,
 * today included. Today stays under the share when day < share × (P + day), i.e. day < share × P ÷
 * (1 − share) with P what came before today. Until that exceeds it, the cap is share × profit
 * target: a day under it is under the share of any total that has reached the target. So the
 * threshold is the larger of the two, exact (rounded up to a Money unit, as the comparison is ≥).
 */
export function consistencyThreshold(c: NonNullable<CompiledRules['consistency']>, f: RiskFigures): Money {
  if (c.basis === 'profitTarget') return c.threshold;
  const prior = c.basis === 'totalProfit' ? f.priorProfit : f.priorWinningDays;
  const rest = Rational.ONE.sub(c.maxDayShare);
  if (prior === undefined || prior <= 0 || rest.isZero()) return c.threshold;
  const fromHistory = money(c.maxDayShare.mulInt(prior).div(rest).ceil());
  return fromHistory > c.threshold ? fromHistory : c.threshold;
}

/** A rule that holds now: the lock it calls for and the numbers behind it. */
export interface RuleFinding {
  readonly rule: LockRule;
  readonly kind: LockKind;
  readonly threshold: Money;
  readonly value: Money;
  /** One line a trader reads: "day PnL -$500.00 reached the -$500.00 daily loss limit". */
  readonly summary: string;
}

/** Checks one PnL rule; undefined when it is not set or does not hold. */
export function checkPnlRule(rule: Exclude<LockRule, 'session'>, r: CompiledRules, f: RiskFigures): RuleFinding | undefined {
  switch (rule) {
    case 'dailyLoss': {
      if (r.dailyLoss === undefined) return undefined;
      const threshold = money(0 - r.dailyLoss);
      if (f.dayPnl > threshold) return undefined;
      return { rule, kind: 'breach', threshold, value: f.dayPnl, summary: `day PnL ${formatMoney(f.dayPnl)} reached the daily loss limit of ${formatMoney(threshold)}` };
    }
    case 'trailingDrawdown': {
      const td = r.trailingDrawdown;
      if (!td) return undefined;
      const threshold = trailingThreshold(f.highWaterMark, td);
      if (f.netLiq > threshold) return undefined;
      return {
        rule,
        kind: 'breach',
        threshold,
        value: f.netLiq,
        summary: `net liquidation ${formatMoney(f.netLiq)} reached the trailing drawdown threshold ${formatMoney(threshold)} (high-water mark ${formatMoney(f.highWaterMark)} − ${formatMoney(td.amount)}${td.stopAt !== undefined ? `, stops rising at ${formatMoney(td.stopAt)}` : ''}, ${td.mode})`,
      };
    }
    case 'dailyProfitTarget': {
      if (r.dailyProfitTarget === undefined || f.dayPnl < r.dailyProfitTarget) return undefined;
      return { rule, kind: 'soft', threshold: r.dailyProfitTarget, value: f.dayPnl, summary: `day PnL ${formatMoney(f.dayPnl)} reached the daily profit target of ${formatMoney(r.dailyProfitTarget)}` };
    }
    case 'consistency': {
      const c = r.consistency;
      if (!c) return undefined;
      const threshold = consistencyThreshold(c, f);
      if (f.dayPnl < threshold) return undefined;
      const pct = `${c.maxDayShare.mulInt(100).toDecimalString(4)}%`;
      const basis =
        threshold === c.threshold
          ? `${pct} of the ${formatMoney(c.profitTarget)} profit target`
          : c.basis === 'totalProfit'
            ? `the best day's ${pct} share of the total net profit (${formatMoney(f.priorProfit ?? money(0))} before today)`
            : `the best day's ${pct} share of the winning days (${formatMoney(f.priorWinningDays ?? money(0))} before today)`;
      return { rule, kind: 'soft', threshold, value: f.dayPnl, summary: `day PnL ${formatMoney(f.dayPnl)} reached ${basis}: ${formatMoney(threshold)}` };
    }
  }
}

/** Breach rules first: when both kinds hold, the breach is what matters. */
export const PNL_RULES: readonly Exclude<LockRule, 'session'>[] = ['dailyLoss', 'trailingDrawdown', 'dailyProfitTarget', 'consistency'];

export function evaluatePnlRules(r: CompiledRules, f: RiskFigures): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const rule of PNL_RULES) {
    const finding = checkPnlRule(rule, r, f);
    if (finding) out.push(finding);
  }
  return out;
}

/** When the session rule flattens during a trading day, or undefined without the rule. */
export function sessionFlattenTime(r: CompiledRules, tradingDay: string): number | undefined {
  return r.session ? chicagoTimeInTradingDay(tradingDay, r.session.flattenAt) : undefined;
}

/** The session rule holds from its flatten time to the end of the trading day. */
export function checkSession(r: CompiledRules, tradingDay: string, now: number): RuleFinding | undefined {
  const at = sessionFlattenTime(r, tradingDay);
  if (at === undefined || now < at || !r.session) return undefined;
  return { rule: 'session', kind: 'soft', threshold: money(0), value: money(0), summary: `the ${r.session.flattenAt} CT session end passed (${formatChicago(at)}): positions flattened, no new entries until the next trading day` };
}

/** What a trader must be told about when a rule stops holding (for a refused unlock). */
export function resetText(rule: LockRule, now: number): string {
  switch (rule) {
    case 'trailingDrawdown':
      return 'A trailing drawdown never resets by itself (the high-water mark does not come down): change the rule, e.g. after your firm resets the account.';
    case 'dailyLoss':
    case 'dailyProfitTarget':
    case 'consistency':
    case 'session':
      return `It resets at the next trading-day roll, ${formatChicago(nextRollAt(now))}; or change the rule.`;
  }
}

// ---- validation ---------------------------------------------------------------------------------

/** What the engine knows about the account when rules are saved; absent before its first snapshot. */
export interface RuleContext {
  /** Current net liquidation (or balance). */
  readonly balance?: Money;
  /** The balance when the account was first seen: where a trailing drawdown started. */
  readonly startBalance?: Money;
}

const RULE_NAMES = ['dailyLoss', 'trailingDrawdown', 'maxContracts', 'dailyProfitTarget', 'consistency', 'session', 'fees'] as const;

/** Plain words for each field, shown with whatever zod found wrong. */
const FIELD_HELP: Readonly<Record<string, string>> = {
  '': 'risk rules must be an object such as { "dailyLoss": 1000 }',
  dailyLoss: 'a positive dollar amount: the most the account may lose in one trading day (e.g. 1000)',
  trailingDrawdown: 'an object { amount, mode?, stopAt? }',
  'trailingDrawdown.amount': 'a positive dollar amount below the high-water mark (e.g. 2000)',
  'trailingDrawdown.mode': '"intraday" (the high-water mark follows every price) or "endOfDay" (it moves only at the 17:00 CT close)',
  'trailingDrawdown.stopAt': 'the account balance at which the threshold stops rising (e.g. 50100), a positive dollar amount',
  maxContracts: 'a whole number of contracts, at least 1',
  dailyProfitTarget: 'a positive dollar amount: day PnL at which new entries stop (e.g. 1500)',
  consistency: 'an object { profitTarget, maxDayShare, basis? }',
  'consistency.basis': '"profitTarget" (a day under maxDayShare × target), "totalProfit" (best day ÷ total net profit) or "winningDays" (best day ÷ the winning days)',
  'consistency.profitTarget': "a positive dollar amount: the account's total profit target (e.g. 3000)",
  'consistency.maxDayShare': 'a share between 0 and 1 of the profit target one day may make: 0.3 means 30%',
  session: 'an object { flattenAt: "HH:MM" }',
  'session.flattenAt': 'Chicago (exchange) time, 24-hour HH:MM, e.g. "15:10"',
  fees: 'an object { perSide: { ES: 2.25, ... }, preset? }',
  'fees.perSide': 'dollars per contract per side by product root, commission and exchange fees together (e.g. { "ES": 2.25 })',
  'fees.preset': "the preset whose fee schedule this is",
};

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  try {
    // JSON.stringify answers undefined for functions and symbols, whatever its declared type says.
    const text = JSON.stringify(v) as string | undefined;
    return text ?? typeof v;
  } catch {
    return typeof v;
  }
}

function isWholeCents(dollars: number): boolean {
  return Rational.fromDecimalNumber(dollars).mulInt(100).den === 1n;
}

const MAX_DOLLARS = 100_000_000;

/**
 * Validates rules as typed: the schema (types, ranges, unknown keys) with messages naming the
 * field, then what a trader is likely to get wrong: percentages for shares, an offset typed where a
 * balance is meant, a limit as large as the account, a flatten time inside the daily maintenance
 * break. Returns the parsed rules when there is no issue.
 */
export function validateRules(input: unknown, ctx: RuleContext = {}): { rules: RiskRulesInput | undefined; issues: Issue[] } {
  const parsed = RiskRulesInput.safeParse(input);
  if (!parsed.success) {
    const issues: Issue[] = [];
    for (const zi of parsed.error.issues) {
      if (zi.code === 'unrecognized_keys') {
        for (const key of zi.keys) {
          const field = pathText([...zi.path, key]);
          const known = zi.path.length === 0 ? RULE_NAMES.join(', ') : Object.keys(FIELD_HELP).filter((k) => k.startsWith(`${pathText(zi.path)}.`)).map((k) => k.split('.').pop()).join(', ');
          issues.push({ field, message: `unknown ${zi.path.length === 0 ? 'rule' : 'field'} "${key}" (known: ${known})` });
        }
        continue;
      }
      const field = pathText(zi.path);
      const help = FIELD_HELP[field];
      issues.push({ field, message: `${help !== undefined ? `must be ${help}` : zi.message}; got ${show(valueAt(input, zi.path))}` });
    }
    return { rules: undefined, issues };
  }
  const r = parsed.data;
  const issues: Issue[] = [];
  const amount = (field: string, v: number | undefined): void => {
    if (v === undefined) return;
    if (v > MAX_DOLLARS) issues.push({ field, message: `${formatMoneyDollars(v)} is not a plausible amount (at most $100,000,000)` });
    else if (!isWholeCents(v)) issues.push({ field, message: `must be in whole cents, got ${v}` });
  };
  amount('dailyLoss', r.dailyLoss);
  amount('trailingDrawdown.amount', r.trailingDrawdown?.amount);
  amount('trailingDrawdown.stopAt', r.trailingDrawdown?.stopAt);
  amount('dailyProfitTarget', r.dailyProfitTarget);
  amount('consistency.profitTarget', r.consistency?.profitTarget);
  for (const [root, rate] of Object.entries(r.fees?.perSide ?? {})) {
    // A rate is exact Money (1/10,000 USD), so a day of fees sums without rounding.
    if (Rational.fromDecimalNumber(rate).mulInt(MONEY_SCALE).den !== 1n || rate > 1000) {
      issues.push({ field: `fees.perSide.${root}`, message: `must be dollars per contract per side with at most 4 decimals and at most $1,000, got ${rate}` });
    }
  }
  if (issues.length > 0) return { rules: undefined, issues };

  const balance = ctx.balance;
  if (r.dailyLoss !== undefined && balance !== undefined && dollarsToMoney(r.dailyLoss) >= balance) {
    issues.push({ field: 'dailyLoss', message: `a daily loss limit of ${formatMoney(dollarsToMoney(r.dailyLoss))} is not below the account's ${formatMoney(balance)}: it would never stop anything. Enter the firm's daily loss limit (e.g. 1000)` });
  }
  const td = r.trailingDrawdown;
  if (td) {
    const amt = dollarsToMoney(td.amount);
    if (balance !== undefined && amt >= balance) {
      issues.push({ field: 'trailingDrawdown.amount', message: `a drawdown of ${formatMoney(amt)} is not below the account's ${formatMoney(balance)}: it would never stop anything. Enter the firm's drawdown (e.g. 2000)` });
    }
    if (td.stopAt !== undefined) {
      const stopAt = dollarsToMoney(td.stopAt);
      if (stopAt <= amt) {
        issues.push({ field: 'trailingDrawdown.stopAt', message: `stopAt is a balance, not an amount above the start: for "stops trailing at the starting balance + $100" on a $50,000 account enter 50100 (got ${td.stopAt})` });
      } else if (ctx.startBalance !== undefined && stopAt <= ctx.startBalance - amt) {
        const start = money(ctx.startBalance - amt);
        issues.push({ field: 'trailingDrawdown.stopAt', message: `${formatMoney(stopAt)} is at or below where the threshold starts (${formatMoney(start)} = starting balance ${formatMoney(ctx.startBalance)} − ${formatMoney(amt)}), so it would never trail. Enter the balance where your firm stops trailing, usually the starting balance or a little above` });
      }
    }
  }
  if (r.session) {
    const { hour, minute } = parseHhmm(r.session.flattenAt);
    const m = hour * 60 + minute;
    if (m >= 16 * 60 && m <= ROLL_HOUR * 60) {
      issues.push({ field: 'session.flattenAt', message: `${r.session.flattenAt} CT is inside the daily 16:00–17:00 CT maintenance break (17:00 starts the next trading day), when a flatten cannot fill. Pick a time before 16:00, e.g. "15:55"` });
    }
  }
  return issues.length > 0 ? { rules: undefined, issues } : { rules: r, issues };
}

function formatMoneyDollars(dollars: number): string {
  return `$${dollars.toLocaleString('en-US')}`;
}
