import type { ModbusDeviceConfig, Park } from '@zcp/model';
import type { AdapterFactory, AdapterRegistry } from '../../devices/adapter-registry.js';
import type { PublishRule } from '../../devices/publish-filter.js';
import { resolveDevicePoints } from '../../devices/resolve-points.js';
import { parseRegisterMap, type RegisterMap, type RegisterMapEntry } from '../../modbus/register-map.js';
import type { ProtocolAdapter } from '../adapter.js';
import { createModbusAdapter } from './modbus-adapter.js';
import type { ModbusTransport } from './modbus-client.js';

/**
 * A Modbus device's points as a register map (the shape the adapter and the simulated field
 * share) plus the points' deadband rules.
 *
 * @example
 * const { registerMap } = modbusDeviceRegisterMap(device, park)
 */
export function modbusDeviceRegisterMap(device: ModbusDeviceConfig, park: Park): { registerMap: RegisterMap; publishRules: Map<number, PublishRule> } {
  const { points, publishRules } = resolveDevicePoints(device.id, device.points, park);
  const entries: RegisterMapEntry[] = points.map(({ ref, point }) => ({
    pointId: point.id,
    tag: point.tag,
    assetId: point.assetId,
    unitId: ref.unitId,
    table: ref.table,
    address: ref.address,
    dataType: ref.dataType,
    wordOrder: ref.wordOrder,
    byteOrder: ref.byteOrder,
    scale: ref.scale,
    offset: ref.offset,
    length: ref.length,
    bit: ref.bit,
    enumValues: ref.enumValues,
    writeFunction: ref.writeFunction,
    writable: ref.writable,
  }));
  return { registerMap: parseRegisterMap({ version: 1, parkId: park.id, entries }), publishRules };
}

export function modbusTransportOf(device: ModbusDeviceConfig): ModbusTransport {
  switch (device.protocol) {
    case 'modbus-tcp':
      return { kind: 'tcp', host: device.endpoint.host, port: device.endpoint.port };
    case 'modbus-rtu-over-tcp':
      return { kind: 'rtu-over-tcp', host: device.endpoint.host, port: device.endpoint.port };
    case 'modbus-rtu':
      return { kind: 'rtu', ...device.endpoint };
  }
}

/** The factory of all three Modbus protocols: device config → `createModbusAdapter`. */
export const modbusAdapterFactory: AdapterFactory<'modbus-tcp' | 'modbus-rtu' | 'modbus-rtu-over-tcp'> = (device, ctx): ProtocolAdapter => {
  const { registerMap, publishRules } = modbusDeviceRegisterMap(device, ctx.park);
  return createModbusAdapter({
    id: device.id,
    transport: modbusTransportOf(device),
    registerMap,
    publishRules,
    pollIntervalMs: device.pollIntervalMs,
    timeoutMs: device.timeoutMs,
    retries: device.retries,
    reconnect: device.reconnect,
    maxRegistersPerRead: device.limits.maxRegistersPerRead,
    maxBitsPerRead: device.limits.maxBitsPerRead,
    maxGapRegisters: device.limits.maxGapRegisters,
    logger: ctx.logger,
    clock: ctx.clock,
    random: ctx.random,
  });
};

/** Registers the Modbus TCP, RTU and RTU-over-TCP factories. */
export function registerModbusFactories(registry: AdapterRegistry): void {
  registry.register('modbus-tcp', modbusAdapterFactory);
  registry.register('modbus-rtu', modbusAdapterFactory);
  registry.register('modbus-rtu-over-tcp', modbusAdapterFactory);
}
