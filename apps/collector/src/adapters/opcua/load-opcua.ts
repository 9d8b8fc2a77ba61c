import type { AdapterFactory, AdapterRegistry } from '../../devices/adapter-registry.js';
import type { OpcuaFactoryOptions } from './opcua-factory.js';

export type OpcuaModule = typeof import('./opcua-public.js');

let loading: Promise<OpcuaModule> | undefined;

/**
 * Loads the OPC UA adapter and the simulated OPC UA server on first use. node-opcua costs
 * about 1 s (client) to 3 s (server) of start-up, which every importer of the package would
 * otherwise pay — including processes with no OPC UA device.
 *
 * @example
 * const { createOpcuaAdapter } = await loadOpcua()
 */
export function loadOpcua(): Promise<OpcuaModule> {
  loading ??= import('./opcua-public.js');
  return loading;
}

/**
 * The `opc-ua` adapter factory, loading node-opcua only when a device config has an OPC UA
 * device. Register it with `registerAdapterFactory('opc-ua', lazyOpcuaAdapterFactory({ pkiDir }))`.
 */
export function lazyOpcuaAdapterFactory(options: OpcuaFactoryOptions): AdapterFactory<'opc-ua'> {
  return async (device, ctx) => (await loadOpcua()).createOpcuaAdapterFactory(options)(device, ctx);
}

/** `registry.register('opc-ua', lazyOpcuaAdapterFactory(options))`. */
export function registerLazyOpcuaFactory(registry: AdapterRegistry, options: OpcuaFactoryOptions): void {
  registry.register('opc-ua', lazyOpcuaAdapterFactory(options));
}
