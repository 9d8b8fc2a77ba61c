// The message bus: one interface, two implementations that keep one contract.
// The contract suite itself is a separate entry point, `@zcp/bus/contract`, so that importing
// the bus at run time never loads vitest or the test kit.

export type {
  BatchHandler,
  Bus,
  BusMessage,
  ConsumeOptions,
  Consumer,
  DurableMessage,
  PublishAck,
  StreamSpec,
  Subscription,
} from './bus.js';
export { BusError, type BusErrorCode } from './bus-error.js';
export type { BusLogFn, BusLogger } from './logger.js';
export { createMemoryBus, type MemoryBusOptions } from './memory-bus.js';
export { connectNatsBus, type NatsBusOptions } from './nats-bus.js';
