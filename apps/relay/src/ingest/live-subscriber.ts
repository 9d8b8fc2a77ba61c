import type { Bus, Subscription } from '@zcp/bus';
import { decodeTelemetryBatch, type Park, readingsOf, subjects } from '@zcp/model';
import type { Logger } from 'pino';
import type { LiveState } from '../live/live-state.js';

/**
 * Every relay keeps its own, non-durable subscription for the live view: it sees every
 * reading whichever relay stores it, and costs the stream nothing.
 */
export function subscribeLive(park: Park, bus: Bus, live: LiveState, logger: Logger): Subscription {
  const log = logger.child({ component: 'live-subscriber', parkId: park.id });
  return bus.subscribe(subjects.telemetryOfPark(park.id), (msg) => {
    const decoded = decodeTelemetryBatch(msg.data);
    if (!decoded.ok) {
      log.debug({ subject: msg.subject, reason: decoded.error }, 'live view skipped an invalid message');
      return;
    }
    live.apply(readingsOf(decoded.value));
  });
}
