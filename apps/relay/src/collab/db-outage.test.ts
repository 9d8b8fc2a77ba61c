import { connectNatsBus } from '@zcp/bus';
import { generatePark, PARK_DOC_ID, parkStreams } from '@zcp/model';
import { describeWithServer, describeWithTool, serverUrls, uniqueName, waitFor } from '@zcp/testkit';
import { expect, it } from 'vitest';
import { type PrivatePostgres, pgServerRequirement, startPrivatePostgres } from '../fault/private-postgres.js';
import type { Relay } from '../relay.js';
import { fingerprint, type SimClient, simClient, startTestRelay } from './collab.test-helper.js';

const VIEW = { position: { x: 0, y: 0, z: 20 }, target: { x: 0, y: 0, z: 0 } };
const note = (title: string) => ({
  anchor: { kind: 'point' as const, position: { x: 0, y: 0, z: 0 } },
  view: VIEW,
  title,
  category: 'defect' as const,
  status: 'open' as const,
});
const tools = process.getuid?.() === 0 ? [pgServerRequirement(), 'runuser'] : [pgServerRequirement()];

/**
 * The database goes away under a loaded document: the update that cannot be stored is not
 * acknowledged (`storage_failed`), the relay drops the document (its memory was ahead of the
 * database), clients keep the change pending and retry opening; when the database is back
 * the change is stored and reaches everyone.
 */
await describeWithServer(['nats'], 'collab across a database outage', () => {
  describeWithTool(tools, 'on a private PostgreSQL cluster (initdb, pg_ctl)', () => {
    it('keeps an unstored change pending through the outage and stores it once the database is back', { timeout: 120_000 }, async () => {
      const park = generatePark({ assets: 6, id: uniqueName('collabpg') });
      const bus = await connectNatsBus({ url: serverUrls.nats, name: 'zcp-collab-outage' });
      let pg: PrivatePostgres | undefined;
      let relay: Relay | undefined;
      const clients: SimClient[] = [];
      try {
        pg = await startPrivatePostgres();
        relay = await startTestRelay({ park, databaseUrl: pg.url, bus });
        const ref = { parkId: park.id, docId: PARK_DOC_ID };
        const a = simClient(relay.port, ref, { name: 'a' });
        const b = simClient(relay.port, ref, { name: 'b' });
        clients.push(a, b);
        await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);
        const before = a.store.add(note('before the outage'), a.actor);
        await waitFor(() => a.provider.pending === 0 && b.store.get(before) !== undefined, { what: 'stored before the outage' });

        await pg.stop();
        const during = a.store.add(note('during the outage'), a.actor);
        await waitFor(() => a.provider.lastSyncError?.code === 'storage_failed', { what: 'storage_failed ack', timeoutMs: 30_000 });
        expect(a.provider.pending).toBeGreaterThan(0);
        // Nobody else was shown a change the database does not have.
        expect(b.store.get(during)).toBeUndefined();
        await waitFor(() => relay?.collab.loadedDoc(`${park.id}/${PARK_DOC_ID}`) === undefined, { what: 'document dropped' });

        await pg.start();
        await waitFor(() => a.provider.pending === 0 && a.provider.status === 'synced', { what: 'change stored after the outage', timeoutMs: 60_000 });
        await waitFor(() => b.store.get(during) !== undefined, { what: 'change reaches the other client', timeoutMs: 30_000 });
        const late = simClient(relay.port, ref, { name: 'late' });
        clients.push(late);
        await late.provider.whenSynced();
        expect(fingerprint(late)).toBe(fingerprint(a));
        expect(late.store.get(during)?.title).toBe('during the outage');
      } finally {
        for (const c of clients) c.close();
        await relay?.stop().catch(() => {});
        for (const s of parkStreams(park.id)) await bus.deleteStream(s.name);
        await bus.close();
        await pg?.destroy();
      }
    });
  });
});
