import type { DocProviderStatus } from '@zcp/collab';

/**
 * What the sync indicator says, as a message key and count: "offline — n changes pending"
 * while changes wait for the relay, else the document's state.
 *
 * @example
 * syncLabel('offline', 3) // { key: 'sync.offlinePending', n: 3, attention: true }
 */
export function syncLabel(status: DocProviderStatus, pending: number): { key: string; n: number; attention: boolean } {
  const n = Math.max(0, pending);
  switch (status) {
    case 'offline':
    case 'connecting':
      if (n > 0) return { key: 'sync.offlinePending', n, attention: true };
      return { key: status === 'offline' ? 'sync.offline' : 'sync.connecting', n, attention: status === 'offline' };
    case 'refused':
      return { key: 'sync.refused', n, attention: true };
    default:
      return n > 0 ? { key: 'sync.pending', n, attention: false } : { key: 'sync.synced', n, attention: false };
  }
}
