import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import type { Reading } from '@zcp/model';
import { describeWithServer, serverUrls, uniqueName, waitFor } from '@zcp/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startMqttJsonPublisher } from '../../sim/mqtt-json-publisher.js';
import { parkJsonPoints, parkSparkplugPoints } from '../../sim/mqtt-park-mapping.js';
import { startSparkplugEdgeNodes } from '../../sim/mqtt-sparkplug-edge.js';
import { describeAdapterContract } from '../adapter-contract.js';
import { createMqttJsonAdapter } from './mqtt-json-adapter.js';
import { closedPort, NOON_MS, park, pointsByAssetOf, SOME_ASSETS, setpointPointId, simulatorAtNoon } from './mqtt-test-kit.js';
import { createSparkplugAdapter } from './sparkplug-adapter.js';

// The real broker (Debian mosquitto, .ci/run starts it). It keeps retained messages and
// sessions between runs, so every run uses its own topic prefix / Sparkplug group.
const url = serverUrls.mqtt;
const broker = new URL(url);
const fastConnection = (u: string) => ({ url: u, reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, connectTimeoutMs: 2000 });
const FAST = { flushIntervalMs: 40, writeTimeoutMs: 3000, rebirthMinIntervalMs: 100 } as const;
const haveMosquittoClients = spawnSync('which', ['mosquitto_pub']).status === 0 && spawnSync('which', ['mosquitto_sub']).status === 0;

await describeWithServer(['mqtt'], 'MQTT adapters against the real Mosquitto', () => {
  describeAdapterContract('mqtt-json via Mosquitto', async ({ reachable }) => {
    const prefix = uniqueName('zcpjson');
    const simulator = simulatorAtNoon();
    const target = reachable ? url : `mqtt://127.0.0.1:${await closedPort()}`;
    const publisher = await startMqttJsonPublisher({ simulator, connection: { url }, prefix, tickMs: 150, assetIds: SOME_ASSETS });
    await publisher.ready();
    const points = parkJsonPoints(park, { prefix, assetIds: SOME_ASSETS });
    return {
      adapter: createMqttJsonAdapter({ ...FAST, connection: fastConnection(target), points }),
      pointsByAsset: pointsByAssetOf(points),
      writable: { pointId: setpointPointId, value: -640 },
      cleanup: () => publisher.close(),
    };
  });

  describeAdapterContract('mqtt sparkplug-b via Mosquitto', async ({ reachable }) => {
    const group = uniqueName('zcpsp');
    const simulator = simulatorAtNoon();
    const target = reachable ? url : `mqtt://127.0.0.1:${await closedPort()}`;
    const edge = await startSparkplugEdgeNodes({ simulator, connection: { url }, group, tickMs: 150, assetIds: SOME_ASSETS, clock: () => NOON_MS });
    await edge.ready();
    const points = parkSparkplugPoints(park, { assetIds: SOME_ASSETS });
    return {
      adapter: createSparkplugAdapter({ ...FAST, connection: fastConnection(target), group, points }),
      pointsByAsset: pointsByAssetOf(points),
      writable: { pointId: setpointPointId, value: -640 },
      cleanup: () => edge.close(),
    };
  });

  describe('interop with the Debian mosquitto clients', () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });
    const args = ['-h', broker.hostname, '-p', broker.port || '1883'];
    const mosquittoPub = (topic: string, message: string) =>
      new Promise<void>((resolve, reject) =>
        execFile('mosquitto_pub', [...args, '-q', '1', '-t', topic, '-m', message], (err) => (err ? reject(err) : resolve())),
      );

    it('needs mosquitto_pub and mosquitto_sub (Debian mosquitto-clients)', () => {
      expect(haveMosquittoClients, 'install mosquitto-clients').toBe(true);
    });

    it('a JSON message from mosquitto_pub is ingested with the right value, unit and timestamp', async () => {
      const topic = `${uniqueName('zcpinterop')}/meter1`;
      const adapter = createMqttJsonAdapter({
        ...FAST,
        connection: fastConnection(url),
        points: [
          { pointId: 501, assetId: 'meter1', topic, field: 'data.power.value', unitField: 'data.power.unit', timestampField: 'ts' },
          { pointId: 502, assetId: 'meter1', topic, field: 'data.energy_kwh' },
        ],
      });
      cleanups.push(() => adapter.stop());
      const latest = new Map<number, Reading>();
      await adapter.start((rs) => {
        for (const r of rs) latest.set(r.pointId, r);
      });
      await waitFor(() => adapter.status().state === 'connected', { what: 'connected' });
      await new Promise((r) => setTimeout(r, 100)); // SUBACK
      const ts = '2025-07-07T12:00:00.500+08:00';
      await mosquittoPub(topic, JSON.stringify({ ts, data: { power: { value: 1234.5, unit: 'W' }, energy_kwh: '98765.25' } }));
      await waitFor(() => latest.size === 2, { what: 'both points' });
      expect(latest.get(501)).toEqual({ pointId: 501, value: 1.2345, quality: 'good', ts: Date.parse(ts) });
      expect(latest.get(502)).toMatchObject({ value: 98765.25, quality: 'good' });
    });

    it('a setpoint command is received by mosquitto_sub, and the write is confirmed by a mosquitto_pub read-back', async () => {
      const base = uniqueName('zcpinterop');
      const adapter = createMqttJsonAdapter({
        ...FAST,
        connection: fastConnection(url),
        points: [{ pointId: 601, assetId: 'bess9', topic: `${base}/bess9/state`, field: 'sp', command: { topic: `${base}/bess9/cmd` } }],
      });
      cleanups.push(() => adapter.stop());
      await adapter.start(() => {});
      await waitFor(() => adapter.status().state === 'connected', { what: 'connected' });
      const sub: ChildProcess = spawn('mosquitto_sub', [...args, '-q', '1', '-C', '1', '-t', `${base}/bess9/cmd`]);
      cleanups.push(async () => {
        sub.kill();
      });
      let received = '';
      sub.stdout?.on('data', (d: Buffer) => {
        received += d.toString();
        const value = (JSON.parse(received) as { value: number }).value;
        void mosquittoPub(`${base}/bess9/state`, JSON.stringify({ sp: value }));
      });
      await new Promise((r) => setTimeout(r, 300)); // mosquitto_sub has no "subscribed" signal
      const write = adapter.write as NonNullable<typeof adapter.write>;
      expect(await write(601, -275.5)).toEqual({ ok: true, readBack: -275.5 });
      expect(JSON.parse(received)).toEqual({ value: -275.5 });
    });
  });
});
