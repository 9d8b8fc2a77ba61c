import { CarbonActivityInputSchema, type Park } from '@zcp/model';
import { z } from 'zod';
import type { NewManualItem } from './ledger-store.js';

/** A row error: `path` from the request body (`rows.3.item.quantity`), and the message. */
export interface RowError {
  path: string;
  message: string;
}

const RowSchema = z.object({
  enterpriseId: z.string().min(1),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM'),
  item: z.unknown().optional(),
  certificate: z.unknown().optional(),
});

/**
 * Validates manual rows `{ enterpriseId, month, item | certificate }` one by one with the
 * model's activity schema (each row is checked as a one-month activity document, so every
 * CARB-IN-1 rule applies); rows of unknown enterprises are rejected. Good rows come back ready
 * to store, bad rows as errors with their row index.
 *
 * @example
 * validateManualRows(park, [{ enterpriseId: 'e1', month: '2025-01', item: { kind: 'fuel', … } }]) // { items: [...], errors: [] }
 */
export function validateManualRows(
  park: Park,
  rows: readonly unknown[],
  /** Whether the caller may enter data for an enterprise (the access policy); default: yes. */
  mayWrite: (enterpriseId: string) => boolean = () => true,
): { items: { index: number; item: NewManualItem }[]; errors: RowError[] } {
  const enterprises = new Set(park.enterprises.map((e) => e.id));
  const items: { index: number; item: NewManualItem }[] = [];
  const errors: RowError[] = [];
  rows.forEach((raw, index) => {
    const at = (path: readonly PropertyKey[]) => ['rows', index, ...path.map(String)].join('.');
    const row = RowSchema.safeParse(raw);
    if (!row.success) {
      for (const i of row.error.issues) errors.push({ path: at(i.path), message: i.message });
      return;
    }
    const { enterpriseId, month, item, certificate } = row.data;
    if ((item === undefined) === (certificate === undefined)) {
      errors.push({ path: at([]), message: 'a row carries exactly one of item or certificate' });
      return;
    }
    if (!enterprises.has(enterpriseId)) {
      errors.push({ path: at(['enterpriseId']), message: `unknown enterprise ${enterpriseId} in park ${park.id}` });
      return;
    }
    if (!mayWrite(enterpriseId)) {
      errors.push({ path: at(['enterpriseId']), message: `forbidden: you may not enter data for enterprise ${enterpriseId}` });
      return;
    }
    if (
      certificate !== undefined &&
      typeof certificate === 'object' &&
      certificate !== null &&
      'enterprise' in certificate &&
      certificate.enterprise !== enterpriseId
    ) {
      errors.push({ path: at(['certificate', 'enterprise']), message: `certificate enterprise differs from the row's enterpriseId ${enterpriseId}` });
      return;
    }
    const withMonth = item !== undefined && typeof item === 'object' && item !== null && !('month' in item) ? { ...item, month } : item;
    const doc = CarbonActivityInputSchema.safeParse({
      schema: 'zcp.carbon.activity/v1',
      park: { id: park.id },
      period: { from: month, to: month },
      enterprises: [{ id: enterpriseId, activities: item === undefined ? [] : [withMonth] }],
      certificates: certificate === undefined ? [] : [certificate],
    });
    if (!doc.success) {
      for (const i of doc.error.issues) {
        const [head, , third, , ...rest] = i.path;
        const path =
          head === 'certificates' ? ['certificate', ...i.path.slice(2)] : head === 'enterprises' && third === 'activities' ? ['item', ...rest] : i.path;
        errors.push({ path: at(path), message: i.message });
      }
      return;
    }
    const activity = doc.data.enterprises[0]?.activities[0];
    const cert = doc.data.certificates[0];
    items.push({
      index,
      item: {
        enterpriseId,
        month,
        record: activity ? { type: 'activity', item: activity } : { type: 'certificate', certificate: cert as NonNullable<typeof cert> },
      },
    });
  });
  return { items, errors };
}
