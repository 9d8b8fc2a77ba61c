import { z } from 'zod';
import { IdSchema } from '../park/schema.js';

/**
 * Device and point configuration, v1: which field devices the park has, how to reach them,
 * and how each raw field value maps to a model point. Runtime-agnostic (the collector polls
 * these devices, the relay reads the `http-push` ones), so no file or network access here —
 * see `parseDeviceConfigText` for parsing a YAML/JSON file's text with located errors.
 *
 * Addresses are 0-based PDU addresses for Modbus (holding register 40001 = address 0).
 */
export const DEVICE_PROTOCOLS = ['modbus-tcp', 'modbus-rtu', 'modbus-rtu-over-tcp', 'opc-ua', 'mqtt', 'http-push'] as const;
export type DeviceProtocol = (typeof DEVICE_PROTOCOLS)[number];

export const POINT_DATA_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'bool', 'string'] as const;
export type PointDataType = (typeof POINT_DATA_TYPES)[number];
/** `big` = most significant first (AB / ABCD); `little` = swapped (BA / CDAB). */
export const BYTE_ORDERS = ['big', 'little'] as const;
export type ByteOrder = (typeof BYTE_ORDERS)[number];
export const MODBUS_TABLES = ['holding', 'input', 'coil', 'discrete'] as const;
export type ModbusTable = (typeof MODBUS_TABLES)[number];

const Port = z.number().int().min(1).max(65_535);
const Ms = (max: number) => z.number().int().positive().max(max);
const EnvName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name (A–Z, 0–9, _)');

/** How a point maps to the park model, and what happens to its raw value. */
const PointBase = z.object({
  /** The model point id; give this or `tag`. */
  pointId: z.number().int().positive().optional(),
  /** The model point tag (`asset.metric`); give this or `pointId`. */
  tag: z.string().min(1).optional(),
  dataType: z.enum(POINT_DATA_TYPES).default('float64'),
  /** value = raw × scale + offset. */
  scale: z
    .number()
    .finite()
    .refine((s) => s !== 0, 'scale must not be 0')
    .default(1),
  offset: z.number().finite().default(0),
  /** Engineering unit, documentation only (the model point carries the canonical unit). */
  unit: z.string().optional(),
  /** Changes smaller than this (engineering units) are not published… */
  deadband: z.number().min(0).default(0),
  /** …unless this long has passed since the last publish (a heartbeat), ms. */
  maxPublishIntervalMs: Ms(86_400_000).optional(),
  /** Whether the collector may write this point (setpoints). */
  writable: z.boolean().default(false),
  /** Text values (`string` points) → numbers; otherwise the text must parse as a number. */
  enumValues: z.record(z.string(), z.number().finite()).optional(),
});

export const ModbusAddressSchema = z.object({
  table: z.enum(MODBUS_TABLES).default('holding'),
  address: z.number().int().min(0).max(65_535),
  /** 1–247 on a serial line; 0 and 248–255 occur behind some TCP gateways. */
  unitId: z.number().int().min(0).max(255).default(1),
});
export type ModbusAddress = z.infer<typeof ModbusAddressSchema>;

export const ModbusPointSchema = PointBase.extend({
  ...ModbusAddressSchema.shape,
  /** Byte order inside each 16-bit register (the Modbus spec says big). */
  byteOrder: z.enum(BYTE_ORDERS).default('big'),
  /** Order of the registers of a multi-register value. */
  wordOrder: z.enum(BYTE_ORDERS).default('big'),
  /** Registers of a `string` point (2 ASCII characters each). */
  length: z.number().int().min(1).max(125).optional(),
  /** Bit 0–15 of a register, for a `bool` point held in a holding/input register. */
  bit: z.number().int().min(0).max(15).optional(),
  /** Force the write function code: 15 (coils) or 16 (registers) for devices that refuse FC5/FC6. */
  writeFunction: z.union([z.literal(5), z.literal(6), z.literal(15), z.literal(16)]).optional(),
});
export type ModbusPointConfig = z.infer<typeof ModbusPointSchema>;

const DeviceBase = z.object({
  id: IdSchema,
  description: z.string().optional(),
  enabled: z.boolean().default(true),
  /** Poll interval for polled protocols; the expected publish interval for pushed ones. */
  pollIntervalMs: Ms(3_600_000).default(1000),
  /** Per-request timeout (and connect timeout), ms. */
  timeoutMs: Ms(600_000).default(1000),
  /** Retries of a failed request within one poll before its points go bad. */
  retries: z.number().int().min(0).max(10).default(0),
  reconnect: z
    .object({ initialDelayMs: Ms(600_000).default(250), maxDelayMs: Ms(3_600_000).default(30_000) })
    .default({ initialDelayMs: 250, maxDelayMs: 30_000 }),
});

const ModbusLimits = z
  .object({
    /** Registers per FC3/FC4 read (≤ 125) and bits per FC1/FC2 read (≤ 2000). */
    maxRegistersPerRead: z.number().int().min(1).max(125).default(125),
    maxBitsPerRead: z.number().int().min(1).max(2000).default(2000),
    /** Unmapped registers a read may span to join two points (0: devices that refuse gaps). */
    maxGapRegisters: z.number().int().min(0).max(124).default(0),
  })
  .default({ maxRegistersPerRead: 125, maxBitsPerRead: 2000, maxGapRegisters: 0 });

const TcpEndpoint = z.object({ host: z.string().min(1), port: Port.default(502) });

export const ModbusTcpDeviceSchema = DeviceBase.extend({
  protocol: z.literal('modbus-tcp'),
  endpoint: TcpEndpoint,
  limits: ModbusLimits,
  points: z.array(ModbusPointSchema),
});
export const ModbusRtuOverTcpDeviceSchema = DeviceBase.extend({
  protocol: z.literal('modbus-rtu-over-tcp'),
  endpoint: TcpEndpoint,
  limits: ModbusLimits,
  points: z.array(ModbusPointSchema),
});
export const SerialEndpointSchema = z.object({
  /** Serial device, e.g. /dev/ttyUSB0. */
  path: z.string().min(1),
  baudRate: z.number().int().positive().default(9600),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
});
export const ModbusRtuDeviceSchema = DeviceBase.extend({
  protocol: z.literal('modbus-rtu'),
  endpoint: SerialEndpointSchema,
  limits: ModbusLimits,
  points: z.array(ModbusPointSchema),
});

const Secret = { password: z.string().optional(), passwordEnv: EnvName.optional() };

export const OpcUaDeviceSchema = DeviceBase.extend({
  protocol: z.literal('opc-ua'),
  endpoint: z.object({
    endpointUrl: z.string().regex(/^opc\.tcp:\/\/\S+$/, 'must be opc.tcp://host:port/path'),
    securityMode: z.enum(['None', 'Sign', 'SignAndEncrypt']).default('None'),
    securityPolicy: z.enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']).default('None'),
    auth: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('anonymous') }),
        z.object({ type: z.literal('username'), username: z.string().min(1), ...Secret }),
        z.object({ type: z.literal('certificate'), certificateFile: z.string().min(1), privateKeyFile: z.string().min(1) }),
      ])
      .default({ type: 'anonymous' }),
  }),
  points: z.array(PointBase.extend({ nodeId: z.string().regex(/^(ns=\d+;)?[isgb]=.+$/, 'must be an OPC UA NodeId such as ns=2;s=Meter1.P') })),
});

export const MqttDeviceSchema = DeviceBase.extend({
  protocol: z.literal('mqtt'),
  endpoint: z.object({
    url: z.string().regex(/^(mqtts?|wss?):\/\/\S+$/, 'must be mqtt://, mqtts://, ws:// or wss://'),
    clientId: z.string().min(1).optional(),
    username: z.string().optional(),
    ...Secret,
    tls: z
      .object({ caFile: z.string().optional(), certFile: z.string().optional(), keyFile: z.string().optional(), rejectUnauthorized: z.boolean().default(true) })
      .optional(),
  }),
  format: z.enum(['json', 'sparkplug-b']),
  /** Subscriptions (wildcards allowed); every point's topic must match one. */
  topics: z.array(z.string().min(1)).min(1),
  points: z.array(
    PointBase.extend({
      topic: z.string().min(1),
      /** `json`: where the value sits in the payload, e.g. `values.p_kw` or `data[0].v`. */
      jsonPath: z.string().min(1).optional(),
      /** `sparkplug-b`: the metric name in NDATA/DDATA. */
      metric: z.string().min(1).optional(),
    }),
  ),
});

export const HttpPushDeviceSchema = DeviceBase.extend({
  protocol: z.literal('http-push'),
  endpoint: z.object({ tokenEnv: EnvName.optional() }).default({}),
  points: z.array(PointBase.extend({ key: z.string().min(1) })),
});

export const DeviceSchema = z.discriminatedUnion('protocol', [
  ModbusTcpDeviceSchema,
  ModbusRtuDeviceSchema,
  ModbusRtuOverTcpDeviceSchema,
  OpcUaDeviceSchema,
  MqttDeviceSchema,
  HttpPushDeviceSchema,
]);
export type DeviceConfigEntry = z.infer<typeof DeviceSchema>;
export type ModbusDeviceConfig = Extract<DeviceConfigEntry, { protocol: 'modbus-tcp' | 'modbus-rtu' | 'modbus-rtu-over-tcp' }>;

/** Registers a Modbus point occupies (bits for coil/discrete points: 1). */
export function modbusPointSize(p: Pick<ModbusPointConfig, 'dataType' | 'table' | 'length'>): number {
  if (p.table === 'coil' || p.table === 'discrete') return 1;
  switch (p.dataType) {
    case 'int32':
    case 'uint32':
    case 'float32':
      return 2;
    case 'int64':
    case 'uint64':
    case 'float64':
      return 4;
    case 'string':
      return p.length ?? 1;
    default:
      return 1;
  }
}

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

function checkPoint(p: z.infer<typeof PointBase>, path: Path, ctx: Ctx): void {
  if ((p.pointId === undefined) === (p.tag === undefined)) ctx.addIssue({ code: 'custom', path, message: 'give exactly one of pointId or tag' });
  if (p.enumValues && p.dataType !== 'string') ctx.addIssue({ code: 'custom', path: [...path, 'enumValues'], message: 'only string points take enumValues' });
}

function checkModbusPoints(points: ModbusPointConfig[], path: Path, ctx: Ctx): void {
  const used = new Map<string, number>();
  points.forEach((p, i) => {
    if (!p) return;
    const at = [...path, i];
    const bitTable = p.table === 'coil' || p.table === 'discrete';
    if (bitTable && p.dataType !== 'bool') ctx.addIssue({ code: 'custom', path: [...at, 'dataType'], message: `${p.table} points must be bool` });
    if (p.dataType === 'string' && p.length === undefined)
      ctx.addIssue({ code: 'custom', path: [...at, 'length'], message: 'string points need length (registers)' });
    if (p.bit !== undefined && (bitTable || p.dataType !== 'bool'))
      ctx.addIssue({ code: 'custom', path: [...at, 'bit'], message: 'bit applies to bool points in holding/input registers' });
    if (p.writable && (p.table === 'input' || p.table === 'discrete'))
      ctx.addIssue({ code: 'custom', path: [...at, 'writable'], message: `${p.table} points are read-only in Modbus` });
    const size = modbusPointSize(p);
    if (p.address + size > 65_536) ctx.addIssue({ code: 'custom', path: [...at, 'address'], message: 'runs past address 65535' });
    for (let a = p.address; a < p.address + size; a++) {
      // Two bool points may share a register through different bits.
      const key = `${p.unitId}/${p.table}/${a}${p.bit === undefined ? '' : `/${p.bit}`}`;
      const other = used.get(key) ?? used.get(`${p.unitId}/${p.table}/${a}`);
      if (other !== undefined) {
        ctx.addIssue({ code: 'custom', path: [...at, 'address'], message: `overlaps points[${other}] at unit ${p.unitId} ${p.table} ${a}` });
        break;
      }
      used.set(key, i);
    }
  });
}

/** The file's outer shape; devices are validated one by one (see `validateDeviceConfig`). */
export const DeviceConfigSchema = z.object({
  version: z.literal(1),
  devices: z.array(DeviceSchema),
});

export interface DeviceConfigIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Validates a device config and reports EVERY problem: each device is parsed on its own, so
 * one bad device does not hide another's errors, and the cross-checks (unique ids, each model
 * point mapped once, Modbus overlaps, per-protocol rules) run over every device that parsed.
 */
export function validateDeviceConfig(input: unknown): { config?: DeviceConfig; issues: DeviceConfigIssue[] } {
  const issues: DeviceConfigIssue[] = [];
  const collect = (prefix: Path, error: z.ZodError) => {
    for (const i of error.issues) issues.push({ path: [...prefix, ...(i.path as (string | number)[])], message: i.message });
  };
  const outer = z.object({ version: z.literal(1), devices: z.array(z.unknown()) }).safeParse(input);
  if (!outer.success) {
    collect([], outer.error);
    return { issues };
  }
  const ctx = { addIssue: (i: { path: Path; message: string }) => issues.push({ path: i.path, message: i.message }) } as unknown as Ctx;
  const devices: DeviceConfigEntry[] = [];
  const indexOf = new Map<DeviceConfigEntry, number>();
  outer.data.devices.forEach((raw, i) => {
    const d = DeviceSchema.safeParse(raw);
    if (!d.success) {
      collect(['devices', i], d.error);
      checkPointsOfInvalidDevice(raw, ['devices', i], ctx);
      return;
    }
    devices.push(d.data);
    indexOf.set(d.data, i);
  });
  crossCheck(devices, (d) => indexOf.get(d) as number, ctx);
  issues.sort((a, b) => comparePaths(a.path, b.path));
  return issues.length > 0 ? { issues } : { config: { version: 1, devices }, issues };
}

/** A device that failed validation still gets its points' own checks (string length, tables…). */
function checkPointsOfInvalidDevice(raw: unknown, path: Path, ctx: Ctx): void {
  const r = raw as { protocol?: unknown; points?: unknown };
  if (typeof r !== 'object' || r === null || !Array.isArray(r.points)) return;
  if (r.protocol !== 'modbus-tcp' && r.protocol !== 'modbus-rtu' && r.protocol !== 'modbus-rtu-over-tcp') return;
  const points: ModbusPointConfig[] = [];
  r.points.forEach((p, j) => {
    const parsed = ModbusPointSchema.safeParse(p);
    if (parsed.success) {
      checkPoint(parsed.data, [...path, 'points', j], ctx);
      points[j] = parsed.data;
    }
  });
  // Overlap checks need the indices of the points that parsed; skip holes.
  checkModbusPoints(points, [...path, 'points'], ctx);
}

function comparePaths(a: Path, b: Path): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x).localeCompare(String(y));
  }
  return a.length - b.length;
}

function crossCheck(devices: DeviceConfigEntry[], indexOf: (d: DeviceConfigEntry) => number, ctx: Ctx): void {
  const deviceIds = new Map<string, number>();
  const mapped = new Map<string, string>();
  for (const d of devices) {
    const i = indexOf(d);
    const path: Path = ['devices', i];
    const dup = deviceIds.get(d.id);
    if (dup !== undefined) ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: `duplicate device id (also devices[${dup}])` });
    else deviceIds.set(d.id, i);
    d.points.forEach((p, j) => {
      checkPoint(p, [...path, 'points', j], ctx);
      if (p.pointId === undefined && p.tag === undefined) return;
      const key = p.pointId !== undefined ? `pointId ${p.pointId}` : `tag ${p.tag}`;
      const before = mapped.get(key);
      if (before) ctx.addIssue({ code: 'custom', path: [...path, 'points', j], message: `${key} is already mapped by ${before}` });
      else mapped.set(key, `devices[${i}].points[${j}]`);
    });
    if (d.protocol === 'modbus-tcp' || d.protocol === 'modbus-rtu' || d.protocol === 'modbus-rtu-over-tcp')
      checkModbusPoints(d.points, [...path, 'points'], ctx);
    if (d.protocol === 'modbus-rtu' || d.protocol === 'modbus-rtu-over-tcp') {
      // On a serial line 0 is broadcast (never answered) and 248–255 are reserved.
      d.points.forEach((p, j) => {
        if (p.unitId < 1 || p.unitId > 247)
          ctx.addIssue({ code: 'custom', path: [...path, 'points', j, 'unitId'], message: 'RTU unit ids are 1–247 (0 is broadcast)' });
      });
    }
    if (d.protocol === 'mqtt') {
      d.points.forEach((p, j) => {
        const need = d.format === 'json' ? 'jsonPath' : 'metric';
        if (p[need] === undefined) ctx.addIssue({ code: 'custom', path: [...path, 'points', j, need], message: `${d.format} points need ${need}` });
      });
    }
    if (d.reconnect.initialDelayMs > d.reconnect.maxDelayMs) {
      ctx.addIssue({ code: 'custom', path: [...path, 'reconnect'], message: 'initialDelayMs must not exceed maxDelayMs' });
    }
  }
}

export type DeviceConfig = z.infer<typeof DeviceConfigSchema>;
/** What a config file holds before defaults are applied. */
export type DeviceConfigInput = z.input<typeof DeviceConfigSchema>;
