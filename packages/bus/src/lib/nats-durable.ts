import { AckPolicy, type ConsumerConfig, type ConsumerInfo, DeliverPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { ResolvedConsumeOptions } from './consume-options.js';
import { isApiError, JS_CODES } from './nats-errors.js';

/**
 * Creates the durable pull consumer on first use, or brings an existing one's ack wait and
 * filter in line with `o`. Every relay calling this with the same name shares the one
 * consumer, which is what makes it a work queue.
 */
export async function ensureDurable(jsm: JetStreamManager, o: ResolvedConsumeOptions): Promise<ConsumerInfo> {
  const ackWait = nanos(o.ackWaitMs);
  const filter = o.filterSubject ?? '';
  try {
    const info = await jsm.consumers.info(o.stream, o.durable);
    if (info.config.ack_wait === ackWait && (info.config.filter_subject ?? '') === filter) return info;
    return await jsm.consumers.update(o.stream, o.durable, { ack_wait: ackWait, filter_subject: filter });
  } catch (err) {
    if (!isApiError(err, JS_CODES.consumerNotFound)) throw err;
  }
  const config: Partial<ConsumerConfig> = {
    durable_name: o.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: ackWait,
    deliver_policy: DeliverPolicy.All,
  };
  if (o.filterSubject !== undefined) config.filter_subject = o.filterSubject;
  // Two relays starting together may both get here; the server accepts an identical create.
  return jsm.consumers.add(o.stream, config);
}
