import { connectNatsBus } from '@zcp/bus';
import { createRng, generatePark, PARK_DOC_ID, parkStreams } from '@zcp/model';
import { createTestDatabase, describeWithServer, serverUrls, uniqueName, waitFor } from '@zcp/testkit';
import { expect, it } from 'vitest';
import { type RelayChild, startRelayChild, writeParkFile } from '../fault/fault-harness.js';
import { fingerprint, randomEdit, type SimClient, simClient } from './collab.test-helper.js';

const EDITS = 60;

/**
 * Issue 6 durability: "kill -9 the relay after acknowledged updates, restart: nothing
 * acknowledged is lost." The relay runs as a child process; it is SIGKILLed from inside the
 * provider's `pending` listener at the moment the last update is acknowledged, so nothing
 * after the ack (no shutdown hook, no later flush) can have helped.
 */
await describeWithServer(['postgres', 'nats'], 'collab durability: kill -9 after acks (real servers)', () => {
  it('a restarted relay serves every acknowledged update', { timeout: 120_000 }, async () => {
    const park = generatePark({ assets: 6, id: uniqueName('collabkill') });
    const db = await createTestDatabase('zcp_collab_kill');
    const parkFile = await writeParkFile(park);
    const common = { databaseUrl: db.url, natsUrl: serverUrls.nats, parkFile: parkFile.path };
    const children: RelayChild[] = [];
    const clients: SimClient[] = [];
    try {
      const first = await startRelayChild({ ...common, name: 'collab-first' });
      children.push(first);
      const ref = { parkId: park.id, docId: PARK_DOC_ID };
      const writer = simClient(Number(new URL(first.baseUrl).port), ref, { name: 'writer' });
      clients.push(writer);
      await writer.provider.whenSynced();

      let finished = false;
      let acknowledged: string | undefined;
      const killAtLastAck = () => {
        if (!finished || writer.provider.pending !== 0 || acknowledged !== undefined) return;
        acknowledged = fingerprint(writer);
        process.kill(first.pid, 'SIGKILL');
      };
      writer.provider.on('pending', killAtLastAck);
      const rng = createRng(77);
      const assets = park.assets.map((a) => a.id);
      for (let i = 0; i < EDITS; i++) {
        randomEdit(writer, rng, assets);
        if (i % 10 === 9 && i < EDITS - 1) await new Promise((r) => setTimeout(r, 5));
      }
      finished = true;
      // The last edit went out synchronously above, so its ack is still to come; check anyway.
      killAtLastAck();
      // Every update went out at once; the listener kills the relay when the last ack arrives.
      expect(await first.exited).toBe('SIGKILL');
      expect(acknowledged, 'the relay acknowledged every update before the kill').toBeDefined();
      const acknowledgedList = JSON.parse(acknowledged as string) as unknown[];
      expect(acknowledgedList.length).toBeGreaterThan(0);

      const second = await startRelayChild({ ...common, name: 'collab-second' });
      children.push(second);
      const reader = simClient(Number(new URL(second.baseUrl).port), ref, { name: 'reader' });
      clients.push(reader);
      await reader.provider.whenSynced();
      await waitFor(() => fingerprint(reader) === acknowledged, { what: 'restarted relay serves every acknowledged update', timeoutMs: 10_000 }).catch(
        () => {},
      );
      expect(fingerprint(reader)).toBe(acknowledged);
      process.stderr.write(
        `[collab kill] ${EDITS} edits acknowledged (${acknowledgedList.length} annotations), relay SIGKILLed at the last ack; restarted relay served all of them\n`,
      );
    } finally {
      for (const c of clients) c.close();
      for (const c of children) await c.stop();
      const bus = await connectNatsBus({ url: serverUrls.nats });
      for (const s of parkStreams(park.id)) await bus.deleteStream(s.name);
      await bus.close();
      await db.drop();
      await parkFile.remove();
    }
  });
});
