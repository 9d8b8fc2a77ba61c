import type { ProtocolAdapter } from '../adapter.js';
import { createModbusAdapter, type ModbusAdapterOptions } from './modbus-adapter.js';

export { DEFAULT_MAX_CONSECUTIVE_TIMEOUTS, DEFAULT_MODBUS_TIMEOUT_MS, DEFAULT_POLL_INTERVAL_MS } from './modbus-adapter.js';

export interface ModbusTcpAdapterOptions extends Omit<ModbusAdapterOptions, 'transport'> {
  host: string;
  port: number;
}

/**
 * A Modbus TCP adapter: `createModbusAdapter` over a TCP link (kept for callers that only
 * speak TCP; the device-config path builds adapters through the factory registry).
 *
 * @example
 * const adapter = createModbusTcpAdapter({ host: '127.0.0.1', port, registerMap })
 */
export function createModbusTcpAdapter(options: ModbusTcpAdapterOptions): ProtocolAdapter {
  const { host, port, ...rest } = options;
  return createModbusAdapter({ ...rest, id: rest.id ?? `modbus-tcp:${host}:${port}`, transport: { kind: 'tcp', host, port } });
}
