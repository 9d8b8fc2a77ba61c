import type { Point } from '@zcp/model';

// Naming shared by the simulated server, its device-config section and tests. No node-opcua
// import here: the app may use these without loading the OPC UA stack.

/** Points a client may write: the battery's power setpoint (same rule as the Modbus map). */
export const OPCUA_WRITABLE_METRICS: ReadonlySet<string> = new Set(['battery.setpoint_kw']);

/** NodeId of a point's variable in the simulated server's own namespace (ns=1): its tag. */
export const opcuaNodeIdOf = (point: Pick<Point, 'tag'>): string => `ns=1;s=${point.tag}`;
