import { describe, expect, it } from 'vitest';
import { ENTRY_FIELDS, ENTRY_KINDS, emptyEntry, entryRow, fieldErrors } from './activity-entry.js';

describe('manual activity entry', () => {
  it('shapes a fuel row as the API takes it: decimal text, empty optionals left out, a manual source', () => {
    const values = { ...emptyEntry('fuel'), quantity: '12.5', unit: 't', fuel: 'diesel' };
    expect(entryRow({ enterpriseId: 'e1', month: '2025-03', kind: 'fuel', note: '发票 0042', values })).toEqual({
      enterpriseId: 'e1',
      month: '2025-03',
      item: { kind: 'fuel', fuel: 'diesel', quantity: '12.5', unit: 't', use: 'end_use', source: { type: 'manual', note: '发票 0042' } },
    });
  });

  it('puts a certificate under `certificate`, claimed by the row’s enterprise; keeps an empty required field so the relay names it', () => {
    const row = entryRow({
      enterpriseId: 'e2',
      month: '2025-03',
      kind: 'certificate',
      note: '',
      values: { ...emptyEntry('certificate'), id: 'GEC-9', mwh: '' },
    });
    expect(row).toEqual({
      enterpriseId: 'e2',
      month: '2025-03',
      certificate: { id: 'GEC-9', kind: 'GEC', mwh: '', vintage: '', enterprise: 'e2', source: { type: 'manual', note: 'manual entry' } },
    });
  });

  it('maps the relay’s row errors to the fields they are about', () => {
    expect(
      fieldErrors([
        { path: 'rows.0.item.quantity', message: 'must be ≥ 0' },
        { path: 'rows.0.certificate.vintage', message: 'bad month' },
        { path: 'rows.0.enterpriseId', message: 'no such enterprise' },
        { path: 'rows.0.item.quantity', message: 'not a number' },
      ]),
    ).toEqual({ quantity: 'must be ≥ 0; not a number', vintage: 'bad month', enterpriseId: 'no such enterprise' });
  });

  it('has fields for every kind, with the first option preselected', () => {
    for (const k of ENTRY_KINDS) expect(ENTRY_FIELDS[k].length).toBeGreaterThan(1);
    expect(emptyEntry('heat')).toMatchObject({ flow: 'import', unit: 'GJ', origin: 'fossil', quantity: '' });
  });
});
