import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPark, type Reading } from '@zcp/model';
import { describeWithTool, waitFor } from '@zcp/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRegisterMap } from '../../modbus/register-map.js';
import { createParkModbusModel } from '../../sim/modbus-data-model.js';
import { createPtyPair, startModbusRtuOverTcpServer, startModbusRtuSerialServer } from '../../sim/modbus-rtu-servers.js';
import { createParkSimulator } from '../../sim/park-simulator.js';
import type { PollReport } from '../adapter.js';
import { type AdapterHarness, describeAdapterContract } from '../adapter-contract.js';
import { createModbusAdapter, type ModbusAdapterOptions } from './modbus-adapter.js';
import type { ModbusTransport } from './modbus-client.js';

const park = demoPark();
const registerMap = buildRegisterMap(park);
const NOON_MS = Date.UTC(2025, 6, 7, 4);
const setpointPointId = registerMap.entries.find((e) => e.tag === 'bess1.setpoint_kw')?.pointId as number;
const pointsByAsset = new Map<string, number[]>();
for (const e of registerMap.entries) pointsByAsset.set(e.assetId, [...(pointsByAsset.get(e.assetId) ?? []), e.pointId]);

const simulatedModel = () => {
  const simulator = createParkSimulator({ park, seed: 1 });
  simulator.step(NOON_MS);
  return { simulator, model: createParkModbusModel(simulator, registerMap) };
};

const adapterOptions = (transport: ModbusTransport, extra: Partial<ModbusAdapterOptions> = {}): ModbusAdapterOptions => ({
  transport,
  registerMap,
  pollIntervalMs: 40,
  timeoutMs: 300,
  reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
  ...extra,
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describeAdapterContract('modbus-rtu-over-tcp against the simulated park', async ({ reachable }): Promise<AdapterHarness> => {
  const { model } = simulatedModel();
  const server = await startModbusRtuOverTcpServer({ model });
  const port = reachable ? server.port : await closedPort();
  return {
    adapter: createModbusAdapter(adapterOptions({ kind: 'rtu-over-tcp', host: '127.0.0.1', port })),
    pointsByAsset,
    writable: { pointId: setpointPointId, value: -640 },
    cleanup: () => server.close(),
  };
});

describeWithTool(['socat'], 'Modbus RTU over a serial line (socat pty pair)', () => {
  describeAdapterContract('modbus-rtu on a pty against the simulated park', async ({ reachable }): Promise<AdapterHarness> => {
    const pty = await createPtyPair();
    const { model } = simulatedModel();
    const server = await startModbusRtuSerialServer({ model, path: pty.deviceEnd, baudRate: 19200 });
    const path = reachable ? pty.collectorEnd : `${pty.collectorEnd}-missing`;
    return {
      adapter: createModbusAdapter(adapterOptions({ kind: 'rtu', path, baudRate: 19200, parity: 'none', dataBits: 8, stopBits: 1 })),
      pointsByAsset,
      writable: { pointId: setpointPointId, value: -640 },
      cleanup: async () => {
        await server.close();
        await pty.close();
      },
    };
  });

  describe('RTU specifics', () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    it('reads every point equal to the simulator; units the line lacks time out (silent), not 0x0B', async () => {
      const pty = await createPtyPair();
      cleanups.push(() => pty.close());
      const { simulator, model } = simulatedModel();
      const server = await startModbusRtuSerialServer({ model, path: pty.deviceEnd });
      cleanups.push(() => server.close());
      const ghost = { ...(registerMap.entries[0] as (typeof registerMap.entries)[number]), pointId: 999_001, assetId: 'ghost', unitId: 200 };
      const adapter = createModbusAdapter(
        adapterOptions(
          { kind: 'rtu', path: pty.collectorEnd, baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1 },
          {
            registerMap: { ...registerMap, entries: [...registerMap.entries, ghost] },
            timeoutMs: 100,
            maxConsecutiveTimeouts: 1_000,
          },
        ),
      );
      const latest = new Map<number, Reading>();
      const reports: PollReport[] = [];
      await adapter.start(
        (rs) => {
          for (const r of rs) latest.set(r.pointId, r);
        },
        { pollCompleted: (r) => reports.push(r) },
      );
      cleanups.push(() => adapter.stop());
      await waitFor(() => reports.length >= 2, { what: 'two polls' });
      for (const e of registerMap.entries) {
        const expected = simulator.value(e.pointId) as number;
        expect(latest.get(e.pointId)).toMatchObject({ quality: 'good', value: e.dataType === 'float32' ? Math.fround(expected) : expected });
      }
      expect(latest.get(ghost.pointId)?.quality).toBe('bad');
      expect(adapter.status().lastError?.code).toBe('timeout');
      expect(server.stats().unanswered).toBeGreaterThanOrEqual(2);
      expect(server.stats().crcErrors).toBe(0);
    });

    it('loses the line (pty gone), reports bad quality, and reconnects with backoff when it is back', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'zcp-pty-replug-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      let pty = await createPtyPair({ dir });
      const { model } = simulatedModel();
      let server = await startModbusRtuSerialServer({ model, path: pty.deviceEnd });
      const adapter = createModbusAdapter(
        adapterOptions({ kind: 'rtu', path: pty.collectorEnd, baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1 }, { timeoutMs: 100 }),
      );
      const latest = new Map<number, Reading>();
      const reports: PollReport[] = [];
      await adapter.start(
        (rs) => {
          for (const r of rs) latest.set(r.pointId, r);
        },
        { pollCompleted: (r) => reports.push(r) },
      );
      cleanups.push(async () => {
        await adapter.stop();
        await server.close();
        await pty.close();
      });
      await waitFor(() => reports.length >= 1 && (reports[reports.length - 1] as PollReport).pointsBad === 0, { what: 'a clean poll' });

      await server.close();
      await pty.close(); // the cable is pulled: socat exits, both pty ends vanish
      await waitFor(() => adapter.status().state !== 'connected' && [...latest.values()].every((r) => r.quality === 'bad'), {
        what: 'bad quality',
        timeoutMs: 10_000,
      });

      pty = await createPtyPair({ dir });
      server = await startModbusRtuSerialServer({ model, path: pty.deviceEnd });
      await waitFor(() => adapter.status().state === 'connected', { what: 'reconnect', timeoutMs: 10_000 });
      const marker = reports.length;
      await waitFor(() => reports.length > marker + 1 && (reports[reports.length - 1] as PollReport).pointsBad === 0, {
        what: 'a clean poll after replug',
        timeoutMs: 10_000,
      });
      expect(adapter.status().reconnects).toBeGreaterThanOrEqual(1);
    });
  });
});
