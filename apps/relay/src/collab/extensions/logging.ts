import type { Logger } from 'pino';
import type { CollabExtension } from '../types.js';

/**
 * Log lines with the document key and the principal's subject — never payload bytes (a Yjs
 * update holds people's text). Refusals are warnings so a misconfigured client shows up.
 */
export function loggingExtension(logger: Logger): CollabExtension {
  const log = logger.child({ component: 'collab' });
  const subs = new Map<string, string>();
  return {
    name: 'logging',
    onOpen({ doc, socketId, principal, access }) {
      subs.set(socketId, principal.sub);
      log.debug({ doc: doc.key, sub: principal.sub, access, socketId }, 'document opened');
    },
    onClose({ doc, socketId }) {
      log.debug({ doc: doc.key, sub: subs.get(socketId), socketId }, 'document closed by client');
      subs.delete(socketId);
    },
    onRefuse(ctx) {
      log.warn({ doc: ctx.key, sub: ctx.sub, socketId: ctx.socketId, stage: ctx.stage, code: ctx.code, reason: ctx.message }, 'collab request refused');
    },
    afterLoadDocument({ doc, ms, bytes, updates }) {
      log.info({ doc: doc.key, ms: Math.round(ms), bytes, logEntries: updates }, 'document loaded');
    },
    afterUnloadDocument({ doc }) {
      log.info({ doc: doc.key }, 'document unloaded');
    },
    onError({ key, socketId, what, err }) {
      log.error({ doc: key, sub: socketId ? subs.get(socketId) : undefined, err: err instanceof Error ? err.message : String(err) }, `collab: ${what} failed`);
    },
  };
}
