/**
 * ProjectX contract ids ↔ the engine's ContractCode. Ids look like `CON.F.US.<root>.<M><YY>`
 * (§5, inferred from every sample) where the root is ProjectX's own (NQ → ENQ, ES → EP), which the
 * catalog carries as `projectxRoot`. Contract names come as `NQZ6` (exchange root, one-digit year,
 * current docs), `ENQZ25` (older docs) or `MNQM26` (contractDisplayName); all are accepted.
 */
import { contractCode, monthCodeOf, monthOfCode, parseContractCode, type ContractCode } from '../../domain/contractCode';
import type { Catalog, Product } from '../../domain/instruments';
import type { Decoded } from './restCodec';

const ID = /^CON\.F\.US\.([A-Z0-9]+)\.([FGHJKMNQUVXZ])(\d{2})$/;
const NAME = /^\/?([A-Z0-9]+?)([FGHJKMNQUVXZ])(\d{1,2})$/;

export class ContractIds {
  private readonly byProjectXRoot = new Map<string, Product>();

  constructor(private readonly catalog: Catalog) {
    for (const p of catalog.products()) this.byProjectXRoot.set(p.projectxRoot.toUpperCase(), p);
  }

  /** `MNQ:202612` → `CON.F.US.MNQ.Z26`. */
  toId(code: ContractCode): Decoded<string> {
    const { root, year, month } = parseContractCode(code);
    const product = this.catalog.product(root);
    if (!product) return { ok: false, error: `no ProjectX root for ${root}: it is not in the instrument catalog` };
    return { ok: true, value: `CON.F.US.${product.projectxRoot}.${monthCodeOf(month)}${String(year % 100).padStart(2, '0')}` };
  }

  /** `CON.F.US.ENQ.Z26` → `NQ:202612`. */
  fromId(id: string): Decoded<ContractCode> {
    const m = ID.exec(id.trim().toUpperCase());
    if (!m) return { ok: false, error: `not a ProjectX contract id: "${id.slice(0, 40)}"` };
    const [, pxRoot = '', letter = '', yy = ''] = m;
    const product = this.byProjectXRoot.get(pxRoot);
    if (!product) return { ok: false, error: `unknown ProjectX root "${pxRoot}" in ${id}: not in the instrument catalog` };
    return { ok: true, value: contractCode(product.root, 2000 + Number(yy), monthOfCode(letter)) };
  }

  /**
   * A contract name (`NQZ6`, `ENQZ25`, `MNQM26`). A one-digit year is the nearest year at or after
   * `nowMs`'s year minus one that ends in that digit (a contract named in 2029 as `Z0` is 2030).
   */
  fromName(name: string, nowMs: number): Decoded<ContractCode> {
    const m = NAME.exec(name.trim().toUpperCase());
    if (!m) return { ok: false, error: `not a contract name: "${name.slice(0, 40)}"` };
    const [, root = '', letter = '', digits = ''] = m;
    const product = this.catalog.product(root) ?? this.byProjectXRoot.get(root);
    if (!product) return { ok: false, error: `unknown root "${root}" in contract name ${name}` };
    const year = digits.length === 2 ? 2000 + Number(digits) : yearEndingIn(Number(digits), new Date(nowMs).getUTCFullYear());
    return { ok: true, value: contractCode(product.root, year, monthOfCode(letter)) };
  }

  /** `F.US.ENQ` for a contract (the symbolId field). */
  symbolId(code: ContractCode): string | undefined {
    const product = this.catalog.product(parseContractCode(code).root);
    return product ? `F.US.${product.projectxRoot}` : undefined;
  }

  product(code: ContractCode): Product | undefined {
    return this.catalog.product(parseContractCode(code).root);
  }
}

function yearEndingIn(digit: number, currentYear: number): number {
  let y = currentYear - 1;
  while (y % 10 !== digit) y++;
  return y;
}
