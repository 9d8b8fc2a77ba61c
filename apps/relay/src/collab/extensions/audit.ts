import type { AuditLog } from '../../auth/audit-log.js';
import type { CollabExtension } from '../types.js';

/**
 * The audit trail of shared documents (issue 7): refused opens (another enterprise's document,
 * another park, no identity) as `access_denied`, and every annotation a client's update deletes
 * as `annotation_delete` — who, which document, which annotations. Writes never hold up an ack.
 */
export function auditExtension(audit: AuditLog): CollabExtension {
  return {
    name: 'audit',
    onRefuse(ctx) {
      if (ctx.stage !== 'open' || ctx.code === 'invalid_request' || ctx.code === 'unavailable') return;
      const [parkId, docId] = (ctx.key ?? '').split('/');
      void audit
        .append({
          event: 'access_denied',
          outcome: 'denied',
          ...(ctx.sub && ctx.role && { principal: { sub: ctx.sub, role: ctx.role } }),
          parkId: parkId || null,
          resource: `doc ${docId ?? '?'}`,
          detail: { code: ctx.code, reason: ctx.message },
        })
        .catch(() => {});
    },
    onAnnotationsDeleted(ctx) {
      void audit
        .append({
          event: 'annotation_delete',
          outcome: 'succeeded',
          principal: ctx.principal,
          parkId: ctx.ref.parkId,
          enterpriseId: ctx.ref.docId.startsWith('ent-') ? ctx.ref.docId.slice(4) : null,
          resource: `doc ${ctx.ref.docId}`,
          detail: { annotationIds: ctx.annotationIds },
        })
        .catch(() => {});
    },
  };
}
