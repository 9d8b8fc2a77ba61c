/** The field protocols the simulated park can speak; Modbus TCP always carries the rest. */
export const SIM_FIELD_PROTOCOLS = ['modbus-tcp', 'modbus-rtu-over-tcp', 'modbus-rtu', 'opc-ua', 'mqtt-json', 'mqtt-sparkplug'] as const;
export type SimFieldProtocol = (typeof SIM_FIELD_PROTOCOLS)[number];

/** `SIM_PROTOCOLS=all`: every protocol that needs nothing outside the npm packages (not the pty-based RTU). */
export const SIM_ALL_PROTOCOLS: readonly SimFieldProtocol[] = ['modbus-tcp', 'modbus-rtu-over-tcp', 'opc-ua', 'mqtt-json', 'mqtt-sparkplug'];
