import { createRng, demoPark, type Reading } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRegisterMap, type RegisterMap } from '../../modbus/register-map.js';
import { createParkModbusModel } from '../../sim/modbus-data-model.js';
import { startModbusFieldServer } from '../../sim/modbus-field.js';
import { crc16Modbus } from '../../sim/modbus-rtu-field.js';
import { startModbusRtuOverTcpServer } from '../../sim/modbus-rtu-servers.js';
import { createParkSimulator } from '../../sim/park-simulator.js';
import type { PollReport } from '../adapter.js';
import { type FaultMode, type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { createModbusAdapter } from './modbus-adapter.js';

const park = demoPark();
const full = buildRegisterMap(park);
/** Unit 1 only (park-level assets): a few blocks per poll keeps timeouts short. */
const registerMap: RegisterMap = { ...full, entries: full.entries.filter((e) => e.unitId === 1) };
const NOON_MS = Date.UTC(2025, 6, 7, 4);
const SEED = Number(process.env.ZCP_FAULT_SEED ?? Date.now() % 1_000_000);

type Framing = 'mbap' | 'rtu';

describe.each<Framing>(['mbap', 'rtu'])(`fault injection between the collector and the simulated devices (%s framing, seed ${SEED})`, (framing) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const setUp = async () => {
    const simulator = createParkSimulator({ park, seed: 3 });
    simulator.step(NOON_MS);
    const upstream =
      framing === 'mbap'
        ? await startModbusFieldServer({ simulator, registerMap })
        : await startModbusRtuOverTcpServer({ model: createParkModbusModel(simulator, registerMap) });
    cleanups.push(() => upstream.close());
    const proxy: FaultProxy = await startFaultProxy({ upstreamPort: upstream.port, framing, rng: createRng(SEED), crc: crc16Modbus });
    cleanups.push(() => proxy.close());
    const adapter = createModbusAdapter({
      transport: framing === 'mbap' ? { kind: 'tcp', host: '127.0.0.1', port: proxy.port } : { kind: 'rtu-over-tcp', host: '127.0.0.1', port: proxy.port },
      registerMap,
      pollIntervalMs: 20,
      timeoutMs: 80,
      retries: 1,
      maxConsecutiveTimeouts: 4,
      reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
    });
    const latest = new Map<number, Reading>();
    const reports: PollReport[] = [];
    /** Readings of each completed poll, index-aligned with `reports`. */
    const polls: Reading[][] = [];
    /** The adapter's request-error counter as each poll completed. */
    const errorsAtReport: number[] = [];
    let current: Reading[] = [];
    await adapter.start(
      (rs) => {
        for (const r of rs) latest.set(r.pointId, r);
        current.push(...rs);
      },
      {
        pollCompleted: (r) => {
          reports.push(r);
          errorsAtReport.push(adapter.status().requestErrors);
          polls.push(current);
          current = [];
        },
      },
    );
    cleanups.push(() => adapter.stop());
    const cleanPoll = () => {
      const last = reports[reports.length - 1];
      return last !== undefined && last.pointsBad === 0 && last.errors === 0;
    };
    await waitFor(cleanPoll, { what: 'a clean poll' });
    return { adapter, latest, reports, polls, errorsAtReport, proxy, simulator, cleanPoll };
  };

  const faults: [FaultMode, number | undefined, RegExp][] = [
    ['silent', undefined, /^(timeout|not_connected)$/],
    ['noise', undefined, /^(timeout|internal|not_connected)$/],
    ['malformed', undefined, /^(timeout|internal|not_connected)$/],
    ['exception', 0x01, /^modbus_exception$/],
    ['exception', 0x02, /^modbus_exception$/],
    ['exception', 0x04, /^modbus_exception$/],
    ['exception', 0x06, /^modbus_exception$/],
    ['exception', 0x0b, /^modbus_exception$/],
    ...(framing === 'rtu' ? ([['corrupt', undefined, /^(timeout|internal|not_connected)$/]] as [FaultMode, undefined, RegExp][]) : []),
  ];

  for (const [mode, code, expectedError] of faults) {
    it(`${mode}${code === undefined ? '' : ` 0x${code.toString(16).padStart(2, '0')}`}: no crash, every point bad with its last value, errors counted, then recovery`, async () => {
      const { adapter, latest, reports, polls, errorsAtReport, proxy, simulator, cleanPoll } = await setUp();
      const before = new Map([...latest].map(([id, r]) => [id, r.value]));
      const errorsBefore = adapter.status().requestErrors;
      proxy.mode = mode;
      if (code !== undefined) proxy.exceptionCode = code;
      const marker = reports.length;
      await waitFor(() => reports.slice(marker + 1).some((r) => r.pointsGood === 0 && r.errors > 0), {
        what: `a poll with every point bad under ${mode}`,
        timeoutMs: 10_000,
      });
      for (const [id, r] of latest) {
        expect(r.quality, `point ${id}`).toBe('bad');
        expect(r.value, `point ${id} keeps its last value`).toBe(before.get(id));
      }
      // Nothing read through the fault passes as good (the poll in flight at the switch may).
      const faulty = polls.slice(marker + 1).flat();
      expect(faulty.length).toBeGreaterThan(0);
      expect(faulty.filter((r) => r.quality === 'good')).toEqual([]);
      const status = adapter.status();
      expect(status.requestErrors).toBeGreaterThan(errorsBefore);
      expect(status.lastError?.code).toMatch(expectedError);
      expect(proxy.counts[mode]).toBeGreaterThan(0);
      // The per-poll error counts add up to the adapter's counter (polls only: no writes here).
      let sum = 0;
      reports.forEach((r, i) => {
        sum += r.errors;
        expect(errorsAtReport[i], `after poll ${i}`).toBe(sum);
      });

      // Recovery: the device behaves again, and the collector reads fresh, good values.
      simulator.step(NOON_MS + 60_000);
      proxy.mode = 'pass';
      await waitFor(cleanPoll, { what: 'a clean poll after the fault', timeoutMs: 10_000 });
      const grid = registerMap.entries.find((e) => e.tag === 'grid.p_kw');
      expect(latest.get(grid?.pointId as number)).toMatchObject({ quality: 'good', value: Math.fround(simulator.value(grid?.pointId as number) as number) });
      expect(adapter.status().state).toBe('connected');
    });
  }
});
