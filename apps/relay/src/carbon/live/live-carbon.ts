import type { Bus, Subscription } from '@zcp/bus';
import {
  type CarbonWindow,
  type CarbonWindowOptions,
  carbonStream,
  createCarbonWindows,
  DEFAULT_PARAMETERS,
  decodeTelemetryBatch,
  type EnterpriseCarbonWindowMessage,
  type Park,
  readingsOf,
  subjects,
} from '@zcp/model';
import type { Logger } from 'pino';

/** How often the clock is checked for windows to close. */
export const CARBON_TICK_MS = 1_000;

export interface LiveCarbonOptions {
  park: Park;
  bus: Bus;
  logger: Logger;
  now: () => number;
  /** Called with every closed window (the relay emits it to the park's socket room). */
  onWindow?: (window: CarbonWindow) => void;
  /** Default: the `elec.park_method_factor_t_per_mwh` parameter (0.8325). */
  factorTPerMwh?: number;
  /** Default: the `elec.equivalent_value_kgce_per_kwh` parameter (kgce/kWh = tce/MWh). */
  tcePerMwh?: number;
  /** Bought heat and gas factors; defaults: fossil heat 0.11 t/GJ, 0.03412 tce/GJ; natural gas from the fuel library. */
  heat?: Pick<CarbonWindowOptions, 'heatFactorTPerGj' | 'heatTcePerGj'>;
  gas?: Pick<CarbonWindowOptions, 'gasFactorTPerM3' | 'gasTcePerM3'>;
  graceMs?: number;
  /** 0 disables the timer; call `tick()` yourself (tests). */
  tickMs?: number;
}

export interface LiveCarbon {
  /** Closes due windows now and publishes them; resolves when they are on the bus. */
  tick(): Promise<CarbonWindow[]>;
  stop(): Promise<void>;
}

const encoder = new TextEncoder();
const encodeJson = (value: unknown) => encoder.encode(JSON.stringify(value));

/**
 * The seed's real-time carbon job, one per park: a non-durable subscription to the park's
 * telemetry feeds `createCarbonWindows`; each closed 1-minute window goes to the small
 * `CARBON_{parkId}` stream — the whole window on `park.{id}.carbon._park`, each enterprise's
 * figures on `park.{id}.carbon.{enterpriseId}` — and to `onWindow`.
 *
 * Every relay computes the same windows; message ids make the stream keep one copy.
 *
 * @example
 * const carbon = await startLiveCarbon({ park, bus, logger, now: Date.now, onWindow: (w) => io.to(roomOfPark(park.id)).emit(SocketEvent.carbonWindow, w) });
 */
export async function startLiveCarbon(o: LiveCarbonOptions): Promise<LiveCarbon> {
  const log = o.logger.child({ component: 'live-carbon', parkId: o.park.id });
  const factorTPerMwh = o.factorTPerMwh ?? Number(DEFAULT_PARAMETERS['elec.park_method_factor_t_per_mwh'].value);
  const tcePerMwh = o.tcePerMwh ?? Number(DEFAULT_PARAMETERS['elec.equivalent_value_kgce_per_kwh'].value);
  const windows = createCarbonWindows(o.park, {
    factorTPerMwh,
    tcePerMwh,
    ...o.heat,
    ...o.gas,
    ...(o.graceMs === undefined ? {} : { graceMs: o.graceMs }),
  });
  await o.bus.ensureStream(carbonStream(o.park.id));

  const sub: Subscription = o.bus.subscribe(subjects.telemetryOfPark(o.park.id), (msg) => {
    const decoded = decodeTelemetryBatch(msg.data);
    if (!decoded.ok) return; // the live subscriber logs invalid messages
    for (const r of readingsOf(decoded.value)) if (r.quality !== 'bad') windows.add(r.pointId, r.ts, r.value);
  });

  const publish = async (w: CarbonWindow) => {
    await o.bus.publish(subjects.carbonOfPark(o.park.id), encodeJson(w), { msgId: `_park:${w.windowStart}` });
    for (const e of w.enterprises) {
      const msg: EnterpriseCarbonWindowMessage = { parkId: w.parkId, windowStart: w.windowStart, windowMs: w.windowMs, ...e };
      await o.bus.publish(subjects.carbon(o.park.id, e.enterpriseId), encodeJson(msg), { msgId: `${e.enterpriseId}:${w.windowStart}` });
    }
  };

  let pending: Promise<unknown> = Promise.resolve();
  const tick = async (): Promise<CarbonWindow[]> => {
    const closed = windows.advance(o.now());
    for (const w of closed) {
      o.onWindow?.(w);
      try {
        await publish(w);
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : String(err), windowStart: w.windowStart }, 'carbon window not published');
      }
    }
    if (closed.length > 0) log.debug({ windows: closed.length, stats: windows.stats() }, 'carbon windows closed');
    return closed;
  };
  const tickMs = o.tickMs ?? CARBON_TICK_MS;
  const timer = tickMs > 0 ? setInterval(() => (pending = pending.then(tick)), tickMs) : undefined;
  timer?.unref();

  return {
    tick: () => {
      const next = pending.then(tick);
      pending = next;
      return next;
    },
    async stop() {
      clearInterval(timer);
      sub.unsubscribe();
      await pending.catch(() => {});
    },
  };
}
