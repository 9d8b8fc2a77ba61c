// Everything OPC UA the package offers, behind `loadOpcua()` (node-opcua takes seconds to load,
// so nothing imports it until an OPC UA device or the simulated server is wanted).

export { DEFAULT_OPCUA_MIN_SAMPLING_INTERVAL_MS, DEMO_OPCUA_USER, startOpcuaFieldServer } from '../../sim/opcua-field/opcua-field-server.js';
export { createOpcuaAdapter } from './opcua-adapter.js';
export { discoverPointNodes } from './opcua-browse.js';
export { createOpcuaAdapterFactory, registerOpcuaFactory } from './opcua-factory.js';
export {
  DEFAULT_OPCUA_PUBLISHING_INTERVAL_MS,
  DEFAULT_OPCUA_SAMPLING_INTERVAL_MS,
  DEFAULT_OPCUA_SESSION_TIMEOUT_MS,
  DEFAULT_OPCUA_TIMEOUT_MS,
} from './opcua-options.js';
export { qualityOf } from './opcua-values.js';
