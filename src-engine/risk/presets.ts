/**
 * Named rule templates for common prop-firm accounts. The numbers are data
 * (resources/data/presets.json), validated when this module loads: a broken file fails loudly at
 * start-up with the preset and field it is about, never at the moment a trader applies it.
 *
 * Firms change their rules; every preset carries when it was compiled, where from (with the
 * sources' addresses and the date they say their figures held), how sure we are and a note telling
 * the user to verify. A preset whose figures are older than 90 days says so. Applying a preset
 * gives plain RiskRulesInput that the user edits afterwards like any other rules; its fee schedule
 * comes along, named after the preset.
 */
import { z } from 'zod';
import data from '../../resources/data/presets.json';
import type { RiskRulesInput } from '../api/config';
import { moneyFromDollars } from '../domain/money';
import { Refusal } from '../domain/refusal';
import { validateRules } from './rules';

const Dollars = z.number().positive();
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** After this many days a preset's figures are shown as possibly out of date. */
export const STALE_AFTER_DAYS = 90;

const PresetRules = z.strictObject({
  dailyLoss: Dollars.optional(),
  trailingDrawdown: z
    .strictObject({
      amount: Dollars,
      mode: z.enum(['intraday', 'endOfDay']),
      /** Where the threshold stops rising, relative to the starting balance (0 = at it). */
      stopAtOffset: z.number().optional(),
    })
    .optional(),
  maxContracts: z.number().int().positive().optional(),
  dailyProfitTarget: Dollars.optional(),
  consistency: z.strictObject({ profitTarget: Dollars, maxDayShare: z.number().gt(0).max(1), basis: z.enum(['profitTarget', 'totalProfit', 'winningDays']).optional() }).optional(),
  session: z.strictObject({ flattenAt: z.string() }).optional(),
});

const Preset = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  firm: z.string().min(1),
  name: z.string().min(1),
  startBalance: Dollars,
  rules: PresetRules,
  lastChecked: IsoDate,
  source: z.string().min(1),
  /** Where the figures were read, and the date each source gives for them (its update or verification date). */
  sources: z.array(z.strictObject({ url: z.url({ protocol: /^https$/ }), asOf: IsoDate.optional(), says: z.string().min(1) })).optional(),
  /** The latest date the sources say these figures held; staleness counts from it (else from lastChecked). */
  asOf: IsoDate.optional(),
  phase: z.enum(['evaluation', 'funded']).optional(),
  /** The firm's rule set applies to accounts bought in this window (Apex 4.0 from 2026-03-01). */
  boughtFrom: IsoDate.optional(),
  boughtBefore: IsoDate.optional(),
  /** Root → dollars per contract per side, commission and exchange fees together. */
  fees: z.record(z.string().regex(/^[A-Z0-9]{1,6}$/), z.number().nonnegative()).optional(),
  note: z.string().min(1),
  confidence: z.enum(['high', 'medium', 'low']),
});

const PresetFile = z.strictObject({
  $comment: z.string().optional(),
  version: z.literal(1),
  presets: z.array(Preset).min(1),
});

export type Preset = z.infer<typeof Preset>;

export interface PresetInfo {
  readonly id: string;
  readonly firm: string;
  readonly name: string;
  readonly startBalance: number;
  readonly lastChecked: string;
  readonly source: string;
  readonly sources: readonly { readonly url: string; readonly asOf?: string | undefined; readonly says: string }[];
  /** The date the figures are known to hold (the sources' own date, else lastChecked). */
  readonly asOf: string;
  /** More than STALE_AFTER_DAYS before `now`: the firm may have changed them since. */
  readonly stale: boolean;
  readonly phase: 'evaluation' | 'funded' | undefined;
  readonly boughtFrom: string | undefined;
  readonly boughtBefore: string | undefined;
  readonly note: string;
  readonly confidence: 'high' | 'medium' | 'low';
  /** The rules for the preset's own starting balance, for a preview. */
  readonly rules: RiskRulesInput;
}

/** Turns a preset into rules for an account that started at `startBalance` dollars. */
function rulesFor(p: Preset, startBalance: number): RiskRulesInput {
  const td = p.rules.trailingDrawdown;
  return {
    ...(p.rules.dailyLoss !== undefined ? { dailyLoss: p.rules.dailyLoss } : {}),
    ...(td
      ? {
          trailingDrawdown: {
            amount: td.amount,
            mode: td.mode,
            // Offsets are whole dollars in the file, so the sum is exact.
            ...(td.stopAtOffset !== undefined ? { stopAt: startBalance + td.stopAtOffset } : {}),
          },
        }
      : {}),
    ...(p.rules.maxContracts !== undefined ? { maxContracts: p.rules.maxContracts } : {}),
    ...(p.rules.dailyProfitTarget !== undefined ? { dailyProfitTarget: p.rules.dailyProfitTarget } : {}),
    ...(p.rules.consistency ? { consistency: { ...p.rules.consistency } } : {}),
    ...(p.rules.session ? { session: { ...p.rules.session } } : {}),
    ...(p.fees ? { fees: { perSide: { ...p.fees }, preset: p.id } } : {}),
  };
}

/** Whether figures known to hold on `asOf` (YYYY-MM-DD) are more than STALE_AFTER_DAYS old at `now`. */
export function isStale(asOf: string, now: number): boolean {
  return now - Date.parse(`${asOf}T00:00:00Z`) > STALE_AFTER_DAYS * 86_400_000;
}

/** Validates the file: schema, unique ids, and every preset's rules as the engine would check them. */
export function loadPresets(raw: unknown): readonly Preset[] {
  const parsed = PresetFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`presets.json: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  const seen = new Set<string>();
  for (const p of parsed.data.presets) {
    if (seen.has(p.id)) throw new Error(`presets.json: duplicate preset id "${p.id}"`);
    seen.add(p.id);
    const balance = moneyFromDollars(p.startBalance);
    const { issues } = validateRules(rulesFor(p, p.startBalance), { balance, startBalance: balance });
    if (issues.length > 0) throw new Error(`presets.json: preset "${p.id}": ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
  }
  return parsed.data.presets;
}

const PRESETS: readonly Preset[] = loadPresets(data);

export function listPresets(now: number = Date.now()): PresetInfo[] {
  return PRESETS.map((p) => ({
    id: p.id,
    firm: p.firm,
    name: p.name,
    startBalance: p.startBalance,
    lastChecked: p.lastChecked,
    source: p.source,
    sources: p.sources ?? [],
    asOf: p.asOf ?? p.lastChecked,
    stale: isStale(p.asOf ?? p.lastChecked, now),
    phase: p.phase,
    boughtFrom: p.boughtFrom,
    boughtBefore: p.boughtBefore,
    note: p.note,
    confidence: p.confidence,
    rules: rulesFor(p, p.startBalance),
  }));
}

/**
 * The rules of a preset for an account that started at `startBalance` dollars (default: the
 * preset's size). Refused, naming the field, for an unknown id or a balance the rules do not fit.
 */
export function applyPreset(id: string, startBalance?: number): RiskRulesInput {
  const p = PRESETS.find((x) => x.id === id);
  if (!p) throw new Refusal([{ field: 'preset', message: `unknown preset "${id}" (known: ${PRESETS.map((x) => x.id).join(', ')})` }]);
  const start = startBalance ?? p.startBalance;
  if (!Number.isFinite(start) || start <= 0) throw new Refusal([{ field: 'startBalance', message: `must be the account's starting balance in dollars, got ${start}` }]);
  const rules = rulesFor(p, start);
  const balance = moneyFromDollars(start);
  const { issues } = validateRules(rules, { balance, startBalance: balance });
  if (issues.length > 0) throw new Refusal(issues);
  return rules;
}
