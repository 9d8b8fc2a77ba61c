import type { ActivitySource } from './activity-schema.js';
import type { Dec, DecimalString } from './decimal.js';
import type { EmissionFactor } from './factors/library.js';
import { factorRef } from './factors/library.js';
import type { ResolvedParameter } from './parameters.js';

/** An activity figure a result used (CARB-LIN-1). */
export interface LineageItem {
  enterpriseId: string;
  itemId: string;
  kind: string;
  source: ActivitySource;
}
/** A library factor a result used, by dataset id and version (CARB-LIN-2). */
export interface LineageFactor {
  ref: string;
  value: DecimalString;
  perUnit: string;
  source: string;
}
/** A parameter a result used and whether the run overrode it (CARB-LIN-3). */
export interface LineageParameter {
  id: string;
  version: string;
  value: DecimalString;
  overridden: boolean;
  unconfirmed: boolean;
}
export interface Lineage {
  items: LineageItem[];
  factors: LineageFactor[];
  parameters: LineageParameter[];
  certificates: string[];
}
/** A reported number: exact decimal text, its unit, and where it came from. */
export interface Figure {
  value: DecimalString;
  unit: string;
  lineage: Lineage;
}

/** Collects lineage without duplicates while a figure is computed. */
export class LineageBuilder {
  readonly #items = new Map<string, LineageItem>();
  readonly #factors = new Map<string, LineageFactor>();
  readonly #parameters = new Map<string, LineageParameter>();
  readonly #certificates = new Set<string>();

  item(i: LineageItem): this {
    this.#items.set(`${i.enterpriseId}/${i.itemId}`, i);
    return this;
  }
  factor(f: EmissionFactor): this {
    const ref = factorRef(f);
    this.#factors.set(ref, { ref, value: f.value, perUnit: f.perUnit, source: f.source });
    return this;
  }
  parameter(p: ResolvedParameter): this {
    this.#parameters.set(p.id, { id: p.id, version: p.version, value: p.value, overridden: p.overridden, unconfirmed: p.unconfirmed });
    return this;
  }
  certificate(id: string): this {
    this.#certificates.add(id);
    return this;
  }
  merge(l: Lineage): this {
    for (const i of l.items) this.item(i);
    for (const f of l.factors) this.#factors.set(f.ref, f);
    for (const p of l.parameters) this.#parameters.set(p.id, p);
    for (const c of l.certificates) this.certificate(c);
    return this;
  }
  build(): Lineage {
    return {
      items: [...this.#items.values()],
      factors: [...this.#factors.values()],
      parameters: [...this.#parameters.values()],
      certificates: [...this.#certificates].sort(),
    };
  }
}

export const figure = (value: Dec, unit: string, lineage: Lineage | LineageBuilder): Figure => ({
  value: value.toFixed(),
  unit,
  lineage: lineage instanceof LineageBuilder ? lineage.build() : lineage,
});

export const mergeLineage = (...lineages: Lineage[]): Lineage => {
  const b = new LineageBuilder();
  for (const l of lineages) b.merge(l);
  return b.build();
};
