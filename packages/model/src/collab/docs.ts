import { z } from 'zod';
import { decide } from '../auth/policy.js';
import type { Principal } from '../auth/principal.js';
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
 * May this principal open the document, and may it change it? The access policy decides
 * (`annotation.read` / `annotation.write` on the park, or on the document's enterprise):
 * executives read the park's document, devices open none, enterprise-scoped people open their
 * own enterprise's document and the park's.
 */
export function docAccess(p: Principal, ref: DocRef, enterpriseExists: (id: string) => boolean = () => true): DocAccessDecision {
  const scope = docScope(ref.docId);
  if (!scope) return { access: 'none', reason: `no document '${ref.docId}'` };
  if (scope.kind === 'enterprise' && !enterpriseExists(scope.enterpriseId))
    return { access: 'none', reason: `no enterprise '${scope.enterpriseId}' in park '${ref.parkId}'` };
  const target = { parkId: ref.parkId, enterpriseId: scope.kind === 'enterprise' ? scope.enterpriseId : null };
  const read = decide(p, 'annotation.read', target);
  if (!read.allow) return { access: 'none', reason: read.reason };
  return { access: decide(p, 'annotation.write', target).allow ? 'write' : 'read' };
}
