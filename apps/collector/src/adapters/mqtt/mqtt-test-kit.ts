import { createServer } from 'node:net';
import { demoPark, type Park } from '@zcp/model';
import type { LogFn, Logger } from '../../logger.js';
import { createParkSimulator, type ParkSimulator } from '../../sim/park-simulator.js';

/** Test helpers shared by the MQTT adapter suites (not exported from the package). */

export const park: Park = demoPark();
/** Monday 2025-07-07 12:00 in the park's UTC+8. */
export const NOON_MS = Date.UTC(2025, 6, 7, 4);
/** A small slice of the park for contract runs: park-level assets (incl. the battery) and one enterprise. */
export const SOME_ASSETS: ReadonlySet<string> = new Set(
  park.assets.filter((a) => a.enterpriseId === null || a.enterpriseId === park.enterprises[0]?.id).map((a) => a.id),
);
export const setpointPointId = park.points.find((p) => p.tag === 'bess1.setpoint_kw')?.id as number;

export function simulatorAtNoon(): ParkSimulator {
  const sim = createParkSimulator({ park, seed: 1, sky: 'clear' });
  sim.step(NOON_MS);
  return sim;
}

/** A TCP port nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export function pointsByAssetOf(mappings: readonly { pointId: number; assetId: string }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const m of mappings) out.set(m.assetId, [...(out.get(m.assetId) ?? []), m.pointId]);
  return out;
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
}

/** A logger that records every line (with its child bindings) for assertions. */
export function recordingLogger(lines: LogLine[] = [], bindings: Record<string, unknown> = {}): Logger & { lines: LogLine[] } {
  const at =
    (level: LogLine['level']): LogFn =>
    (a: object | string, b?: string) => {
      if (typeof a === 'string') lines.push({ level, obj: { ...bindings }, msg: a });
      else lines.push({ level, obj: { ...bindings, ...(a as Record<string, unknown>) }, msg: b });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}
