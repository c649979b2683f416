/**
 * The risk rules form: text fields ↔ RiskRulesInput, with the engine's schema rules checked
 * before sending (positive amounts, whole contracts, a day share in (0, 1], HH:MM).
 */
import type { RiskRulesInput } from '../../src-engine/api/config';
import type { ApiIssue } from '../api/errors';

export interface RiskForm {
  dailyLoss: string;
  trailingAmount: string;
  trailingMode: '' | 'intraday' | 'endOfDay';
  trailingStopAt: string;
  maxContracts: string;
  dailyProfitTarget: string;
  consistencyTarget: string;
  consistencyShare: string;
  consistencyBasis: '' | 'profitTarget' | 'totalProfit' | 'winningDays';
  flattenAt: string;
  /** "ES 2.25, MNQ 0.52": dollars per contract per side, used when the broker reports no fee. */
  fees: string;
  /** The preset the fees came from, kept while the text is as the preset wrote it. */
  feesPreset: string;
  feesAsApplied: string;
}

function feesToText(perSide: Readonly<Record<string, number>> | undefined): string {
  return Object.entries(perSide ?? {})
    .map(([root, rate]) => `${root} ${rate}`)
    .join(', ');
}

const s = (n: number | undefined): string => (n === undefined ? '' : String(n));

export function formFromRules(r: RiskRulesInput): RiskForm {
  return {
    dailyLoss: s(r.dailyLoss),
    trailingAmount: s(r.trailingDrawdown?.amount),
    trailingMode: r.trailingDrawdown?.mode ?? '',
    trailingStopAt: s(r.trailingDrawdown?.stopAt),
    maxContracts: s(r.maxContracts),
    dailyProfitTarget: s(r.dailyProfitTarget),
    consistencyTarget: s(r.consistency?.profitTarget),
    consistencyShare: s(r.consistency?.maxDayShare),
    consistencyBasis: r.consistency?.basis ?? '',
    flattenAt: r.session?.flattenAt ?? '',
    fees: feesToText(r.fees?.perSide),
    feesPreset: r.fees?.preset ?? '',
    feesAsApplied: feesToText(r.fees?.perSide),
  };
}

/** Form field for each rules path (engine refusals name paths such as `trailingDrawdown.amount`). */
export const FIELD_OF: Readonly<Record<string, keyof RiskForm>> = {
  dailyLoss: 'dailyLoss',
  trailingDrawdown: 'trailingAmount',
  'trailingDrawdown.amount': 'trailingAmount',
  'trailingDrawdown.mode': 'trailingMode',
  'trailingDrawdown.stopAt': 'trailingStopAt',
  maxContracts: 'maxContracts',
  dailyProfitTarget: 'dailyProfitTarget',
  consistency: 'consistencyTarget',
  'consistency.profitTarget': 'consistencyTarget',
  'consistency.maxDayShare': 'consistencyShare',
  'consistency.basis': 'consistencyBasis',
  session: 'flattenAt',
  'session.flattenAt': 'flattenAt',
  fees: 'fees',
  'fees.perSide': 'fees',
};

const NUM = /^\d+(\.\d+)?$/;

/** Rules from the form, or the issues (fields named as the engine names them). */
export function rulesFromForm(f: RiskForm): { rules: RiskRulesInput; issues: ApiIssue[] } {
  const issues: ApiIssue[] = [];
  const rules: { -readonly [K in keyof RiskRulesInput]: RiskRulesInput[K] } = {};
  const money = (v: string, field: string): number | undefined => {
    const t = v.trim().replace(/[$,]/g, '');
    if (t === '') return undefined;
    if (!NUM.test(t) || Number(t) <= 0) {
      issues.push({ field, message: 'must be a positive amount in dollars' });
      return undefined;
    }
    return Number(t);
  };
  const dl = money(f.dailyLoss, 'dailyLoss');
  if (dl !== undefined) rules.dailyLoss = dl;
  const ta = money(f.trailingAmount, 'trailingDrawdown.amount');
  const stop = money(f.trailingStopAt, 'trailingDrawdown.stopAt');
  if (ta !== undefined) rules.trailingDrawdown = { amount: ta, ...(f.trailingMode ? { mode: f.trailingMode } : {}), ...(stop !== undefined ? { stopAt: stop } : {}) };
  else if (f.trailingAmount.trim() === '' && (f.trailingStopAt.trim() !== '' || f.trailingMode !== '')) issues.push({ field: 'trailingDrawdown.amount', message: 'enter the drawdown amount (or clear the mode and stop)' });
  const mc = f.maxContracts.trim();
  if (mc !== '') {
    if (!/^\d+$/.test(mc) || Number(mc) <= 0) issues.push({ field: 'maxContracts', message: 'must be a whole number of contracts, at least 1' });
    else rules.maxContracts = Number(mc);
  }
  const pt = money(f.dailyProfitTarget, 'dailyProfitTarget');
  if (pt !== undefined) rules.dailyProfitTarget = pt;
  const ct = money(f.consistencyTarget, 'consistency.profitTarget');
  const share = f.consistencyShare.trim();
  if (ct !== undefined || share !== '') {
    const sh = Number(share);
    if (share === '' || !Number.isFinite(sh) || sh <= 0 || sh > 1) issues.push({ field: 'consistency.maxDayShare', message: 'must be a share above 0 and at most 1 (e.g. 0.5)' });
    if (ct === undefined && f.consistencyTarget.trim() === '') issues.push({ field: 'consistency.profitTarget', message: 'enter the profit target' });
    if (ct !== undefined && share !== '' && sh > 0 && sh <= 1) rules.consistency = { profitTarget: ct, maxDayShare: sh, ...(f.consistencyBasis ? { basis: f.consistencyBasis } : {}) };
  }
  const fa = f.flattenAt.trim();
  if (fa !== '') {
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(fa)) issues.push({ field: 'session.flattenAt', message: 'must be HH:MM (exchange time, Chicago)' });
    else rules.session = { flattenAt: fa };
  }
  const fees = f.fees.trim();
  if (fees !== '') {
    const perSide: Record<string, number> = {};
    for (const part of fees.split(/[,;]/).map((p) => p.trim()).filter((p) => p !== '')) {
      const m = /^([A-Za-z0-9]{1,6})\s*[:=]?\s*\$?(\d+(?:\.\d{1,4})?)$/.exec(part);
      if (!m?.[1] || m[2] === undefined) {
        issues.push({ field: 'fees.perSide', message: `"${part}" is not a product and a fee, e.g. "ES 2.25, MNQ 0.52"` });
        continue;
      }
      perSide[m[1].toUpperCase()] = Number(m[2]);
    }
    const samePreset = f.feesPreset !== '' && fees === f.feesAsApplied.trim();
    if (Object.keys(perSide).length > 0) rules.fees = { perSide, ...(samePreset ? { preset: f.feesPreset } : {}) };
  }
  return { rules, issues };
}
