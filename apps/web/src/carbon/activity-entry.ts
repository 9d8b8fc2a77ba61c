import { FUEL_IDS } from '@zcp/model';

/**
 * The row-by-row entry form for manual carbon activity: which fields each kind of row has,
 * and how a filled form becomes the row the relay's `POST /api/carbon/parks/:id/activity`
 * takes (`{ enterpriseId, month, item }` or `{ enterpriseId, month, certificate }`). The relay
 * validates every row with the engine's schema; this only shapes it.
 */
export const ENTRY_KINDS = ['fuel', 'heat', 'process', 'certificate', 'solid_waste', 'waste_heat', 'water'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export interface EntryField {
  key: string;
  /** A number, free text, a month, or one of the options. */
  type: 'number' | 'text' | 'month' | 'select';
  options?: readonly string[];
  required?: boolean;
  /** Shown after the input (the unit when it is fixed). */
  unit?: string;
}

export const ENTRY_FIELDS: Readonly<Record<EntryKind, readonly EntryField[]>> = {
  fuel: [
    { key: 'fuel', type: 'select', options: FUEL_IDS, required: true },
    { key: 'quantity', type: 'number', required: true },
    { key: 'unit', type: 'select', options: ['t', 'kg', 'Nm3', '10^4Nm3'], required: true },
    { key: 'use', type: 'select', options: ['end_use', 'power_generation', 'heat_supply', 'feedstock'], required: true },
  ],
  heat: [
    { key: 'flow', type: 'select', options: ['import', 'export'], required: true },
    { key: 'quantity', type: 'number', required: true },
    { key: 'unit', type: 'select', options: ['GJ', 'MJ', 'TJ'], required: true },
    { key: 'origin', type: 'select', options: ['fossil', 'non_fossil'], required: true },
    { key: 'measuredFactorTPerGj', type: 'number' },
  ],
  process: [
    { key: 'product', type: 'text', required: true },
    { key: 'quantity', type: 'number', required: true },
    { key: 'unit', type: 'select', options: ['t', 'kg'], required: true },
    { key: 'factorId', type: 'text' },
  ],
  certificate: [
    { key: 'id', type: 'text', required: true },
    { key: 'kind', type: 'select', options: ['GEC', 'I-REC', 'GO', 'green_trade'], required: true },
    { key: 'mwh', type: 'number', required: true, unit: 'MWh' },
    { key: 'vintage', type: 'month', required: true },
    { key: 'facilityId', type: 'text' },
  ],
  solid_waste: [
    { key: 'generatedT', type: 'number', required: true, unit: 't' },
    { key: 'utilisedT', type: 'number', required: true, unit: 't' },
  ],
  waste_heat: [
    { key: 'availableGj', type: 'number', required: true, unit: 'GJ' },
    { key: 'utilisedGj', type: 'number', required: true, unit: 'GJ' },
  ],
  water: [
    { key: 'intakeM3', type: 'number', required: true, unit: 'm³' },
    { key: 'reusedM3', type: 'number', required: true, unit: 'm³' },
  ],
};

/** Defaults a new form starts with (first option of each select). */
export function emptyEntry(kind: EntryKind): Record<string, string> {
  return Object.fromEntries(ENTRY_FIELDS[kind].map((f) => [f.key, f.type === 'select' ? (f.options?.[0] ?? '') : '']));
}

export interface EntryForm {
  enterpriseId: string;
  month: string;
  kind: EntryKind;
  note: string;
  values: Record<string, string>;
}

/**
 * The row for the API. Numbers stay decimal text (the engine is decimal-exact); empty
 * optional fields are left out; required ones are sent even when empty, so the relay names them.
 */
export function entryRow(form: EntryForm): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of ENTRY_FIELDS[form.kind]) {
    const raw = (form.values[f.key] ?? '').trim();
    if (raw === '' && !f.required) continue;
    body[f.key] = f.type === 'number' && raw !== '' && Number.isFinite(Number(raw)) ? raw.replace(/^\+/, '') : raw;
  }
  const source = { type: 'manual', note: form.note.trim() || 'manual entry' };
  const row = { enterpriseId: form.enterpriseId, month: form.month };
  return form.kind === 'certificate'
    ? { ...row, certificate: { ...body, enterprise: form.enterpriseId, source } }
    : { ...row, item: { kind: form.kind, ...body, source } };
}

/**
 * The relay's row errors (`rows.0.item.quantity`) as messages per form field, so each shows
 * beside its input; errors about the row itself go under `_row`.
 */
export function fieldErrors(errors: readonly { path: string; message: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors ?? []) {
    const parts = e.path.split('.');
    const at = parts[2] === 'item' || parts[2] === 'certificate' ? parts[3] : parts[2];
    const key = at ?? '_row';
    out[key] = out[key] ? `${out[key]}; ${e.message}` : e.message;
  }
  return out;
}
