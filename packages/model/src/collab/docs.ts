import { z } from 'zod';
import { belongsToPark, isParkWide, type Principal } from '../auth/principal.js';
import { ID_PATTERN, IdSchema } from '../park/schema.js';

/**
 * Which shared (Yjs) documents exist, and who may open them.
 *
 * Decision (ADR 0005): one document per park for park-wide annotations (`park`), plus one per
 * enterprise (`ent-{enterpriseId}`) for annotations only that enterprise and the park operator
 * may see. A walkthrough is not a separate document: it is the people present (awareness) on
 * the park document at the same time, so a walkthrough's annotations stay with the park after
 * it ends and never need merging back.
 */
export const PARK_DOC_ID = 'park';
const ENTERPRISE_DOC_PREFIX = 'ent-';

export const DocRefSchema = z.object({
  parkId: IdSchema,
  docId: z.string().regex(ID_PATTERN, 'docId must be a subject-safe id'),
});
export type DocRef = z.infer<typeof DocRefSchema>;

export type DocScope = { kind: 'park' } | { kind: 'enterprise'; enterpriseId: string };

export function enterpriseDocId(enterpriseId: string): string {
  return `${ENTERPRISE_DOC_PREFIX}${enterpriseId}`;
}

/** The scope a document id names; undefined for ids that name no document. */
export function docScope(docId: string): DocScope | undefined {
  if (docId === PARK_DOC_ID) return { kind: 'park' };
  if (docId.startsWith(ENTERPRISE_DOC_PREFIX)) {
    const enterpriseId = docId.slice(ENTERPRISE_DOC_PREFIX.length);
    if (ID_PATTERN.test(enterpriseId)) return { kind: 'enterprise', enterpriseId };
  }
  return undefined;
}

/** Stable key of a document across relays and in the database. */
export const docKey = (ref: DocRef) => `${ref.parkId}/${ref.docId}`;

export type DocAccess = 'none' | 'read' | 'write';
export type DocAccessDecision = { access: DocAccess; reason?: string };

/**
 * May this principal open the document, and may it change it? Executives read, devices never
 * open documents, enterprise-scoped people open their own enterprise's document and the park's.
 */
export function docAccess(p: Principal, ref: DocRef, enterpriseExists: (id: string) => boolean = () => true): DocAccessDecision {
  if (p.role === 'device') return { access: 'none', reason: 'devices do not open shared documents' };
  if (!belongsToPark(p, ref.parkId)) return { access: 'none', reason: `not a member of park '${ref.parkId}'` };
  const scope = docScope(ref.docId);
  if (!scope) return { access: 'none', reason: `no document '${ref.docId}'` };
  const write: DocAccess = p.role === 'executive_viewer' ? 'read' : 'write';
  if (scope.kind === 'park') return { access: write };
  if (!enterpriseExists(scope.enterpriseId)) return { access: 'none', reason: `no enterprise '${scope.enterpriseId}' in park '${ref.parkId}'` };
  if (p.role === 'executive_viewer') return { access: 'none', reason: 'executives see enterprises in aggregate only' };
  if (isParkWide(p) || p.enterpriseIds.includes(scope.enterpriseId)) return { access: write };
  return { access: 'none', reason: `document of enterprise '${scope.enterpriseId}' is outside this principal's enterprises` };
}
