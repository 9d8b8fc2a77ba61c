import { describeWithServer } from '@zcp/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadingStore } from '../storage/reading-store.js';
import { migratedPgliteStore, migratedPostgresStore } from '../test-support/migrated-stores.js';
import { createAuditLog } from './audit-log.js';

function auditContract(name: string, open: () => Promise<{ store: ReadingStore; cleanup(): Promise<void> }>) {
  describe(`audit log (${name})`, () => {
    let s: { store: ReadingStore; cleanup(): Promise<void> };
    beforeAll(async () => {
      s = await open();
    }, 120_000);
    afterAll(async () => s.cleanup());

    it('appends events and lists them newest first, filtered, with tokens and secrets scrubbed', async () => {
      const log = createAuditLog(() => s.store.sql);
      const jwt = `eyJhbGciOiJFUzI1NiJ9abcdefghij.eyJzdWIiOiJ4In0abcdefghijkl.${'s'.repeat(40)}`;
      await log.append({
        event: 'sign_in',
        outcome: 'succeeded',
        principal: { sub: 'dev:operator', role: 'park_operator' },
        parkId: 'demo',
        resource: 'POST /auth/dev/token',
        ip: '127.0.0.1',
      });
      await log.append({
        event: 'access_denied',
        outcome: 'denied',
        principal: { sub: 'dev:manager-a', role: 'enterprise_manager' },
        parkId: 'demo',
        enterpriseId: 'b',
        resource: `GET /api/points/7/history?token=${jwt}`,
        detail: { reason: 'outside', authorization: `Bearer ${jwt}`, nested: { password: 'hunter2' } },
      });
      const all = await log.list({});
      expect(all.map((e) => e.event)).toEqual(['access_denied', 'sign_in']);
      expect(all[0]).toMatchObject({
        actorSub: 'dev:manager-a',
        outcome: 'denied',
        enterpriseId: 'b',
        detail: { reason: 'outside', authorization: '[redacted]', nested: { password: '[redacted]' } },
      });
      expect(JSON.stringify(all)).not.toContain(jwt);
      expect((await log.list({ event: 'sign_in' })).map((e) => e.actorSub)).toEqual(['dev:operator']);
      expect(await log.list({ actorSub: 'nobody' })).toEqual([]);
      expect((await log.list({ limit: 1 })).length).toBe(1);
      expect((await log.list({ beforeId: all[0]?.id })).map((e) => e.event)).toEqual(['sign_in']);
    });

    it('refuses to change or delete history', async () => {
      await expect(s.store.sql.query('update audit_events set outcome = $1', ['allowed'])).rejects.toThrow(/append-only/);
      await expect(s.store.sql.query('delete from audit_events')).rejects.toThrow(/append-only/);
    });
  });
}

auditContract('PGlite', migratedPgliteStore);
await describeWithServer(['postgres'], 'audit log on a real server', () => {
  auditContract('PostgreSQL', () => migratedPostgresStore('zcp_relay_audit'));
});
