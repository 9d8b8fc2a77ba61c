import type { DeviceConfig, DeviceConfigEntry, DeviceProtocol, Park } from '@zcp/model';
import type { ProtocolAdapter } from '../adapters/adapter.js';
import { CollectorError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Clock, Random } from '../system.js';

/** What a factory gets besides its device: the park (to resolve point tags) and the injected helpers. */
export interface AdapterFactoryContext {
  park: Park;
  logger: Logger;
  clock: Clock;
  random: Random;
  /** Where `passwordEnv` / `tokenEnv` names are looked up (the process env, parsed at start-up). */
  secrets: Readonly<Record<string, string | undefined>>;
}

export type DeviceOf<P extends DeviceProtocol> = Extract<DeviceConfigEntry, { protocol: P }>;
export type AdapterFactory<P extends DeviceProtocol = DeviceProtocol> = (
  device: DeviceOf<P>,
  context: AdapterFactoryContext,
) => ProtocolAdapter | Promise<ProtocolAdapter>;

export interface AdapterRegistry {
  /** Adds (or replaces) the factory of a protocol. */
  register<P extends DeviceProtocol>(protocol: P, factory: AdapterFactory<P>): void;
  has(protocol: DeviceProtocol): boolean;
  protocols(): DeviceProtocol[];
  /**
   * One adapter per enabled device. Devices whose protocol has no factory here (e.g.
   * `http-push`, which the relay serves) are skipped and named in `skipped`; a factory that
   * throws fails the whole build with every device's error.
   */
  build(
    config: DeviceConfig,
    context: AdapterFactoryContext,
  ): Promise<{ adapters: ProtocolAdapter[]; skipped: { deviceId: string; protocol: DeviceProtocol }[] }>;
}

/**
 * Protocol → adapter factory. The collector app builds its adapters from a DeviceConfig
 * through a registry, so each protocol plugs in by registering a factory — no switch over
 * protocols anywhere.
 *
 * @example
 * const registry = createAdapterRegistry()
 * registry.register('modbus-tcp', modbusAdapterFactory)
 * const { adapters } = await registry.build(deviceConfig, context)
 */
export function createAdapterRegistry(): AdapterRegistry {
  const factories = new Map<DeviceProtocol, AdapterFactory>();
  return {
    register(protocol, factory) {
      factories.set(protocol, factory as unknown as AdapterFactory);
    },
    has: (protocol) => factories.has(protocol),
    protocols: () => [...factories.keys()],
    async build(config, context) {
      const adapters: ProtocolAdapter[] = [];
      const skipped: { deviceId: string; protocol: DeviceProtocol }[] = [];
      const problems: string[] = [];
      for (const device of config.devices) {
        if (!device.enabled) continue;
        const factory = factories.get(device.protocol);
        if (!factory) {
          skipped.push({ deviceId: device.id, protocol: device.protocol });
          continue;
        }
        try {
          adapters.push(await factory(device, context));
        } catch (e) {
          problems.push(`device ${device.id} (${device.protocol}): ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      if (problems.length > 0) throw new CollectorError('config_invalid', `cannot build adapters:\n  ${problems.join('\n  ')}`);
      for (const s of skipped) context.logger.warn(s, 'no adapter factory for this protocol in the collector; device skipped');
      return { adapters, skipped };
    },
  };
}

/** The registry `startCollectorApp` uses unless given another: Modbus is registered by the app. */
export const defaultAdapterRegistry: AdapterRegistry = createAdapterRegistry();

/**
 * Registers a protocol's factory on the default registry — how the OPC UA and MQTT adapters
 * plug into the collector app.
 *
 * @example
 * registerAdapterFactory('mqtt', (device, ctx) => createMqttAdapter(device, ctx))
 */
export function registerAdapterFactory<P extends DeviceProtocol>(
  protocol: P,
  factory: AdapterFactory<P>,
  registry: AdapterRegistry = defaultAdapterRegistry,
): void {
  registry.register(protocol, factory);
}
