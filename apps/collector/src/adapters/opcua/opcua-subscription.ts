import {
  AttributeIds,
  type ClientSession,
  type ClientSubscription,
  DataChangeFilter,
  DataChangeTrigger,
  type DataValue,
  DeadbandType,
  TimestampsToReturn,
} from 'node-opcua-client';
import type { OpcuaNode } from './opcua-options.js';

/** Keep-alive every 10 publishing intervals (the adapter's silence watchdog default is 3 of these); the server drops the subscription after 6 missed keep-alives. */
export const MAX_KEEP_ALIVE_COUNT = 10;
const LIFETIME_COUNT = 60;
/** Items per CreateMonitoredItems call. */
const MONITOR_BATCH = 1000;

export interface MonitorOptions {
  samplingIntervalMs: number;
  publishingIntervalMs: number;
  onValue(pointId: number, dv: DataValue): void;
  /** Counts one service call. */
  request(): void;
  /** The server answered a publish (data or keep-alive): the subscription is alive. */
  heard(): void;
}

export interface Monitored {
  subscription: ClientSubscription;
  /** Items the server refused (unknown node, bad attribute…). */
  failed: { pointId: number; nodeId: string; status: string }[];
}

/**
 * One subscription, with one monitored-item group per distinct deadband (a group shares one
 * set of monitoring parameters). node-opcua keeps the groups: after a reconnection it
 * transfers the subscription or re-creates it with its items, and the same `changed`
 * handlers keep firing. Refused items are reported and delivered bad with a Bad status.
 */
export async function monitorNodes(
  session: ClientSession,
  nodes: readonly { pointId: number; node: OpcuaNode }[],
  options: MonitorOptions,
): Promise<Monitored> {
  options.request();
  const subscription = await session.createSubscription2({
    requestedPublishingInterval: options.publishingIntervalMs,
    requestedMaxKeepAliveCount: MAX_KEEP_ALIVE_COUNT,
    requestedLifetimeCount: LIFETIME_COUNT,
    // 0: no limit, so the initial values of all items arrive in one notification.
    maxNotificationsPerPublish: 0,
    publishingEnabled: true,
    priority: 1,
  });
  // Each publish response is a request the server answered.
  const heard = () => {
    options.request();
    options.heard();
  };
  subscription.on('received_notifications', heard);
  subscription.on('keepalive', heard);

  const byDeadband = new Map<number, { pointId: number; node: OpcuaNode }[]>();
  for (const n of nodes) byDeadband.set(n.node.deadband, [...(byDeadband.get(n.node.deadband) ?? []), n]);
  const failed: Monitored['failed'] = [];
  for (const [deadband, all] of byDeadband) {
    for (let i = 0; i < all.length; i += MONITOR_BATCH) {
      const group = all.slice(i, i + MONITOR_BATCH);
      options.request();
      const items = await subscription.monitorItems(
        group.map((g) => ({ nodeId: g.node.nodeId, attributeId: AttributeIds.Value })),
        {
          samplingInterval: options.samplingIntervalMs,
          queueSize: 1,
          discardOldest: true,
          ...(deadband > 0
            ? { filter: new DataChangeFilter({ trigger: DataChangeTrigger.StatusValue, deadbandType: DeadbandType.Absolute, deadbandValue: deadband }) }
            : {}),
        },
        TimestampsToReturn.Both,
      );
      items.on('changed', (_item, dv, index) => {
        const g = group[index];
        if (g) options.onValue(g.pointId, dv);
      });
      items.monitoredItems.forEach((item, k) => {
        const g = group[k];
        if (g && item.statusCode.isNotGood()) {
          failed.push({ pointId: g.pointId, nodeId: g.node.nodeId, status: item.statusCode.name });
          options.onValue(g.pointId, { statusCode: item.statusCode, value: undefined } as unknown as DataValue);
        }
      });
    }
  }
  return { subscription, failed };
}
