import { describe, expect, it } from 'vitest';
import { messages } from '../i18n/messages.js';
import { syncLabel } from './sync-label.js';

describe('sync indicator', () => {
  it('says "offline — n changes pending" while changes wait without a connection', () => {
    expect(syncLabel('offline', 3)).toEqual({ key: 'sync.offlinePending', n: 3, attention: true });
    expect(syncLabel('connecting', 1).key).toBe('sync.offlinePending');
    expect(syncLabel('offline', 0)).toMatchObject({ key: 'sync.offline', attention: true });
  });
  it('says synced, or how many changes the relay has yet to store', () => {
    expect(syncLabel('synced', 0).key).toBe('sync.synced');
    expect(syncLabel('synced', 2)).toMatchObject({ key: 'sync.pending', n: 2 });
    expect(syncLabel('refused', 0).key).toBe('sync.refused');
  });
  it('has the words in both languages', () => {
    expect(messages['zh-CN'].sync.offlinePending).toBe('离线 — {n} 项更改待同步');
    expect(messages.en.sync.offlinePending).toBe('Offline — {n} changes pending');
  });
});
