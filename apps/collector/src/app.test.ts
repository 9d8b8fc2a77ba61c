import { decodeTelemetryBatch, subjects } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { describe, expect, it } from 'vitest';
import { startCollectorApp } from './app.js';
import { loadCollectorConfig } from './config.js';
import type { Logger } from './logger.js';

function recordingLogger(lines: { level: string; msg?: string; obj: object }[]): Logger {
  const at = (level: string) => (a: object | string, msg?: string) => {
    lines.push(typeof a === 'string' ? { level, msg: a, obj: {} } : { level, msg, obj: a });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

describe('startCollectorApp', () => {
  it('runs the simulated park → Modbus → collector → memory bus path and serves /metrics', async () => {
    const lines: { level: string; msg?: string; obj: object }[] = [];
    const config = loadCollectorConfig({ MODBUS_PORT: '0', METRICS_PORT: '0', POLL_INTERVAL_MS: '50', SIM_TICK_MS: '50' });
    const app = await startCollectorApp(config, { logger: recordingLogger(lines) });
    try {
      expect(app.bus.kind).toBe('memory');
      expect(lines.some((l) => l.msg?.includes('memory bus'))).toBe(true);
      const assets = new Set<string>();
      const sub = app.bus.subscribe(subjects.telemetryOfPark('demo'), (m) => {
        const decoded = decodeTelemetryBatch(m.data);
        if (decoded.ok) assets.add(decoded.value.assetId);
      });
      await waitFor(() => assets.size === app.simulatedPark.simulator.park.assets.length, { what: 'a batch from every asset' });
      sub.unsubscribe();
      const res = await fetch(`http://127.0.0.1:${app.metricsPort}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/zcp_collector_batches_published_total [1-9]/);
    } finally {
      await app.stop();
    }
    expect(app.collector.stats().adapters[0]?.state).toBe('stopped');
  });
});
