import { access } from 'node:fs/promises';
import { connect } from 'node:net';
import { decodeTelemetryBatch, subjects } from '@zcp/model';
import { describeWithTool, waitFor } from '@zcp/testkit';
import { describe, expect, it } from 'vitest';
import { startCollectorApp } from '../app.js';
import { loadCollectorConfig } from '../config.js';
import { silentLogger } from '../logger.js';
import { startSimulatedModbusRtuField } from './modbus-rtu-servers.js';

const RTU_ASSETS = new Set(['bess1', 'ev01', 'ev02']);

const refused = (endpoint: string) =>
  new Promise<boolean>((resolve) => {
    const [host, port] = endpoint.split(':');
    const socket = connect({ host, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

const runCase = (transport: 'rtu' | 'rtu-over-tcp') =>
  it(`${transport}: both devices are built from the merged config, every asset publishes, the setpoint write goes over RTU; stop closes the RTU field`, async () => {
    const config = loadCollectorConfig({ MODBUS_PORT: '0', POLL_INTERVAL_MS: '50', SIM_TICK_MS: '50' });
    let served: Awaited<ReturnType<typeof startSimulatedModbusRtuField>> | undefined;
    const app = await startCollectorApp(config, {
      logger: silentLogger,
      simulatedSections: [
        async (sim) => {
          served = await startSimulatedModbusRtuField({
            simulator: sim.simulator,
            registerMap: sim.registerMap,
            transport,
            assets: RTU_ASSETS,
            pollIntervalMs: 50,
          });
          return served;
        },
      ],
    });
    try {
      const [tcp, rtu] = app.deviceConfig.devices;
      const park = app.simulatedPark.simulator.park;
      const rtuPoints = park.points.filter((p) => RTU_ASSETS.has(p.assetId));
      expect(rtu).toMatchObject({ id: 'sim-modbus-rtu', protocol: transport === 'rtu' ? 'modbus-rtu' : 'modbus-rtu-over-tcp' });
      expect(rtu?.points).toHaveLength(rtuPoints.length);
      expect(tcp?.points).toHaveLength(park.points.length - rtuPoints.length);

      const assets = new Set<string>();
      const sub = app.bus.subscribe(subjects.telemetryOfPark('demo'), (m) => {
        const decoded = decodeTelemetryBatch(m.data);
        if (decoded.ok) assets.add(decoded.value.assetId);
      });
      await waitFor(() => assets.size === park.assets.length, { what: 'a batch from every asset' });
      sub.unsubscribe();
      expect(app.collector.stats().adapters.map((a) => [a.id, a.state])).toEqual([
        ['sim-modbus', 'connected'],
        ['sim-modbus-rtu', 'connected'],
      ]);
      const setpoint = park.points.find((p) => p.tag === 'bess1.setpoint_kw')?.id as number;
      expect(await app.collector.write(setpoint, -250)).toEqual({ ok: true, readBack: -250 });
      expect(app.simulatedPark.simulator.value(setpoint)).toBe(-250);
      expect(app.collector.stats().adapters[1]?.requests).toBeGreaterThan(0);
    } finally {
      await app.stop();
    }
    // The app closed the RTU field it was handed.
    const endpoint = served?.endpoint as string;
    if (transport === 'rtu-over-tcp') expect(await refused(endpoint)).toBe(true);
    else await expect(access(endpoint)).rejects.toMatchObject({ code: 'ENOENT' });
  });

describe('collector app with part of the simulated park served over Modbus RTU over TCP', () => runCase('rtu-over-tcp'));
describeWithTool(['socat'], 'collector app with part of the simulated park served over Modbus RTU on a pty', () => runCase('rtu'));
