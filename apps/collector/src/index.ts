// @zcp/collector: field protocol adapters, the park simulator and the collector that
// publishes telemetry batches to the bus. Everything not named here is internal.

export type {
  AdapterObserver,
  AdapterProtocol,
  AdapterState,
  AdapterStatus,
  PollReport,
  ProtocolAdapter,
  ReadingMeta,
  ReadingSink,
  WriteResult,
} from './adapters/adapter.js';
export { type BackoffOptions, backoffDelayMs } from './adapters/backoff.js';
// Issue 3: device configuration, the adapter factory registry, Modbus over TCP / RTU / RTU-over-TCP.
export { createModbusAdapter, type ModbusAdapterOptions } from './adapters/modbus/modbus-adapter.js';
export { type ModbusTransport, openClient as openModbusClient } from './adapters/modbus/modbus-client.js';
export { modbusAdapterFactory, modbusDeviceRegisterMap, modbusTransportOf, registerModbusFactories } from './adapters/modbus/modbus-factory.js';
export {
  createModbusTcpAdapter,
  DEFAULT_MODBUS_TIMEOUT_MS,
  DEFAULT_POLL_INTERVAL_MS,
  type ModbusTcpAdapterOptions,
} from './adapters/modbus/modbus-tcp-adapter.js';
// MQTT (JSON and Sparkplug B): adapters, device-config factory, simulated publishers, embedded broker.
export { createMqttAdapterFactory, JSON_COMMAND_TOPIC_SUFFIX, type MqttFactoryOptions, registerMqttFactory } from './adapters/mqtt/mqtt-factory.js';
export { createMqttJsonAdapter, DEFAULT_WRITE_TIMEOUT_MS, type MqttJsonAdapterOptions, type MqttJsonPointMapping } from './adapters/mqtt/mqtt-json-adapter.js';
export { CLOSE_DRAIN_MS, type MqttConnectionOptions } from './adapters/mqtt/mqtt-session.js';
export { DEFAULT_FLUSH_INTERVAL_MS } from './adapters/mqtt/push-core.js';
export {
  decodeSparkplugPayload,
  encodeSparkplugPayload,
  parseSparkplugTopic,
  REBIRTH_METRIC,
  SPARKPLUG_NAMESPACE,
  type SparkplugMetric,
  type SparkplugPayload,
  type SparkplugTopic,
  sparkplugTopic,
} from './adapters/mqtt/sparkplug.js';
export {
  createSparkplugAdapter,
  DEFAULT_REBIRTH_MIN_INTERVAL_MS,
  type SparkplugAdapterOptions,
  type SparkplugPointMapping,
} from './adapters/mqtt/sparkplug-adapter.js';
export { topicMatches } from './adapters/mqtt/topic-filter.js';
// OPC UA (adapter, device-config factory, simulated park server): loaded on demand through
// `loadOpcua()` because node-opcua adds seconds to start-up; the types cost nothing.
export { lazyOpcuaAdapterFactory, loadOpcua, type OpcuaModule, registerLazyOpcuaFactory } from './adapters/opcua/load-opcua.js';
export type { DiscoverablePoint, DiscoveredNode, DiscoveryResult } from './adapters/opcua/opcua-browse.js';
export type { OpcuaFactoryOptions } from './adapters/opcua/opcua-factory.js';
export type {
  OpcuaAdapterOptions,
  OpcuaAuth,
  OpcuaDiscovery,
  OpcuaNodeMapping,
  OpcuaSecurityMode,
  OpcuaSecurityPolicy,
} from './adapters/opcua/opcua-options.js';
export type { CollectorAppDeps, SimulatedSection } from './app.js';
export { type CollectorApp, startCollectorApp } from './app.js';
export { type Collector, type CollectorOptions, type CollectorStats, createCollector, DEFAULT_COLLECTOR_SOURCE } from './collector.js';
export { type CollectorConfig, ConfigError, loadCollectorConfig, redactUrl } from './config.js';
export {
  type AdapterFactory,
  type AdapterFactoryContext,
  type AdapterRegistry,
  createAdapterRegistry,
  type DeviceOf,
  defaultAdapterRegistry,
  registerAdapterFactory,
} from './devices/adapter-registry.js';
export { loadDeviceConfigFile } from './devices/load-device-config.js';
export { createPublishFilter, DEFAULT_MAX_PUBLISH_INTERVAL_MS, type PublishFilter, type PublishRule } from './devices/publish-filter.js';
export { resolveDevicePoints } from './devices/resolve-points.js';
export { COLLECTOR_ERROR_CODES, CollectorError, type CollectorErrorCode, type ErrorInfo, errorInfo, toCollectorError } from './errors.js';
export { type LogFn, type Logger, silentLogger } from './logger.js';
export { type CollectorMetrics, createCollectorMetrics } from './metrics.js';
export {
  decodeRegisters,
  decodeString,
  encodeRegisters,
  encodeString,
  MODBUS_DATA_TYPES,
  type ModbusDataType,
  REGISTERS_PER_TYPE,
  type RegisterFormat,
  registersOf,
  type WordOrder,
} from './modbus/codec.js';
export { MAX_BITS_PER_READ, MAX_REGISTERS_PER_READ, planReads, type ReadBlock, type ReadPlanOptions } from './modbus/read-plan.js';
export {
  type BuildRegisterMapOptions,
  buildRegisterMap,
  isBitTable,
  MAX_UNIT_ID,
  parseRegisterMap,
  type RegisterMap,
  type RegisterMapEntry,
  RegisterMapEntrySchema,
  RegisterMapSchema,
  registerCount,
  registerMapProblems,
} from './modbus/register-map.js';
export { SIM_ALL_PROTOCOLS, SIM_FIELD_PROTOCOLS, type SimFieldProtocol } from './sim/field-protocols.js';
export { createParkModbusModel, type ModbusDataModel, modbusException } from './sim/modbus-data-model.js';
export { type SimulatedModbusEndpoint, simulatedModbusDeviceConfig } from './sim/modbus-device-config.js';
export {
  MODBUS_EXCEPTION,
  type ModbusFieldServer,
  type ModbusFieldServerOptions,
  type ModbusFieldServerStats,
  startModbusFieldServer,
} from './sim/modbus-field.js';
export { answerPdu, crc16Modbus, type RtuFieldStats, serveModbusRtu } from './sim/modbus-rtu-field.js';
export {
  createPtyPair,
  type PtyPair,
  type RtuFieldServer,
  type SimulatedModbusRtuField,
  startModbusRtuOverTcpServer,
  startModbusRtuSerialServer,
  startSimulatedModbusRtuField,
} from './sim/modbus-rtu-servers.js';
export { BATTERY_ROUND_TRIP_EFFICIENCY, BATTERY_SOC_MAX, BATTERY_SOC_MIN, MANUAL_SETPOINT_HOLD_MS } from './sim/models/battery.js';
export { BOILER_EFFICIENCY_LHV, gasFlowM3h, NATURAL_GAS_LHV_MJ_PER_M3 } from './sim/models/gas-boiler.js';
export { type EmbeddedMqttBroker, startEmbeddedMqttBroker } from './sim/mqtt-broker.js';
export { type MqttJsonPublisher, type MqttJsonPublisherOptions, startMqttJsonPublisher } from './sim/mqtt-json-publisher.js';
export {
  DEMO_JSON_TOPIC_PREFIX,
  DEMO_SPARKPLUG_GROUP,
  jsonAssetTopic,
  jsonCommandTopic,
  PARK_NODE_ID,
  parkJsonPoints,
  parkSparkplugPoints,
} from './sim/mqtt-park-mapping.js';
export { type SparkplugEdgeNodes, type SparkplugEdgeOptions, startSparkplugEdgeNodes } from './sim/mqtt-sparkplug-edge.js';
export { type SimulatedOpcuaDeviceOptions, simulatedOpcuaDeviceConfig } from './sim/opcua-field/opcua-device-config.js';
export type { OpcuaFieldServer, OpcuaFieldServerOptions } from './sim/opcua-field/opcua-field-server.js';
export { OPCUA_WRITABLE_METRICS, opcuaNodeIdOf } from './sim/opcua-field/opcua-naming.js';
export { createParkSimulator, DEFAULT_MAX_SUBSTEP_MS, type ParkEnvironment, type ParkSimulator, type ParkSimulatorOptions } from './sim/park-simulator.js';
export { assignAssetsToProtocols, type SimulatedFieldOptions, simulatedFieldSections } from './sim/simulated-field.js';
export { DEFAULT_SIM_TICK_MS, type SimulatedPark, type SimulatedParkOptions, startSimulatedPark } from './sim/simulated-park.js';
export type { SkyMode } from './sim/weather.js';
export { type Clock, type Random, systemClock, systemRandom } from './system.js';
