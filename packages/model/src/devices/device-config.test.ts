import { describe, expect, it } from 'vitest';
import { DeviceConfigError, mergeDeviceConfigs, parseDeviceConfig, parseDeviceConfigText } from './parse-device-config.js';

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DeviceConfigError);
    return [...(e as DeviceConfigError).issues];
  }
  throw new Error('expected a DeviceConfigError');
};

const GOOD = `
version: 1
devices:
  - id: meter-1
    protocol: modbus-tcp
    endpoint: { host: 10.0.0.5 }
    points:
      - { tag: grid.p_kw, address: 0, dataType: float32, wordOrder: little, deadband: 0.5 }
      - { pointId: 7, table: coil, address: 3, dataType: bool, writable: true }
      - { pointId: 8, address: 10, dataType: string, length: 8 }
  - id: rtu-1
    protocol: modbus-rtu
    endpoint: { path: /dev/ttyUSB0, baudRate: 19200, parity: even }
    points: [{ pointId: 9, table: input, address: 0, unitId: 3, dataType: int16, scale: 0.1, offset: -40 }]
  - id: ua
    protocol: opc-ua
    endpoint: { endpointUrl: "opc.tcp://plc:4840/UA", securityMode: SignAndEncrypt, securityPolicy: Basic256Sha256, auth: { type: username, username: op, passwordEnv: UA_PASSWORD } }
    points: [{ pointId: 10, nodeId: "ns=2;s=Line1.Power" }]
  - id: broker
    protocol: mqtt
    endpoint: { url: "mqtts://broker:8883", username: zcp, tls: { caFile: /etc/ca.pem } }
    format: sparkplug-b
    topics: ["spBv1.0/park/DDATA/#"]
    points: [{ pointId: 11, topic: "spBv1.0/park/DDATA/edge1/pv1", metric: "AC/Power" }]
  - id: push
    protocol: http-push
    points: [{ pointId: 12, key: ev1.p_kw }]
`;

describe('device config (YAML/JSON, zod)', () => {
  it('parses one device of each family and applies defaults', () => {
    const config = parseDeviceConfigText(GOOD, 'devices.yaml');
    expect(config.devices.map((d) => d.protocol)).toEqual(['modbus-tcp', 'modbus-rtu', 'opc-ua', 'mqtt', 'http-push']);
    const tcp = config.devices[0];
    if (tcp?.protocol !== 'modbus-tcp') throw new Error('unreachable');
    expect(tcp.endpoint.port).toBe(502);
    expect(tcp.pollIntervalMs).toBe(1000);
    expect(tcp.points[0]).toMatchObject({ table: 'holding', unitId: 1, byteOrder: 'big', wordOrder: 'little', scale: 1, offset: 0, deadband: 0.5 });
    const rtu = config.devices[1];
    if (rtu?.protocol !== 'modbus-rtu') throw new Error('unreachable');
    expect(rtu.endpoint).toEqual({ path: '/dev/ttyUSB0', baudRate: 19200, parity: 'even', dataBits: 8, stopBits: 1 });
  });

  it('lists EVERY problem as file:path: reason with its line, across devices and cross-checks', () => {
    const bad = `version: 1
devices:
  - id: m1
    protocol: modbus-tcp
    endpoint: { host: h }
    points:
      - { pointId: 1, address: 0, dataType: float33 }
      - { pointId: 2, address: 0, dataType: int16 }
      - { pointId: 3, address: 0, dataType: int16 }
  - id: m1
    protocol: modbus-ftp
    points: []
  - id: s1
    protocol: modbus-rtu
    endpoint: { path: /dev/ttyS0, parity: eeven }
    points:
      - { tag: a.b, address: 0, dataType: string }
      - { pointId: 4, table: coil, address: 1, dataType: int16 }
  - id: q
    protocol: mqtt
    endpoint: { url: "mqtt://x" }
    format: json
    topics: [t]
    points: [{ pointId: 3, topic: t }]
`;
    const problems = problemsOf(() => parseDeviceConfigText(bad, 'devices.yaml'));
    expect(problems).toEqual([
      expect.stringMatching(/^devices\.yaml:devices\[0\]\.points\[0\]\.dataType: .*expected one of .*"int16".* \(line 7\)$/),
      'devices.yaml:devices[0].points[2].address: overlaps points[1] at unit 1 holding 0 (line 9)',
      expect.stringMatching(/^devices\.yaml:devices\[1\]\.protocol: .*'modbus-tcp'.* \(line 11\)$/),
      expect.stringMatching(/^devices\.yaml:devices\[2\]\.endpoint\.parity: .*"even".* \(line 15\)$/),
      'devices.yaml:devices[2].points[0].length: string points need length (registers) (line 17)',
      'devices.yaml:devices[2].points[1].dataType: coil points must be bool (line 18)',
      expect.stringMatching(/^devices\.yaml:devices\[3\]\.points\[0\]\.jsonPath: json points need jsonPath/),
    ]);
    expect(problemsOf(() => parseDeviceConfigText(bad, 'devices.yaml')).join('\n')).not.toMatch(/at Object|\.ts:\d+/);
  });

  it('reports a model point mapped twice, overlapping registers and duplicate device ids', () => {
    const problems = problemsOf(() =>
      parseDeviceConfig(
        {
          version: 1,
          devices: [
            {
              id: 'a',
              protocol: 'modbus-tcp',
              endpoint: { host: 'h' },
              points: [
                { pointId: 1, address: 0, dataType: 'float32' },
                { pointId: 2, address: 1, dataType: 'int16' },
              ],
            },
            { id: 'a', protocol: 'http-push', points: [{ pointId: 2, key: 'k' }] },
          ],
        },
        'x.json',
      ),
    );
    expect(problems).toEqual([
      'x.json:devices[0].points[1].address: overlaps points[0] at unit 1 holding 1',
      'x.json:devices[1].id: duplicate device id (also devices[0])',
      'x.json:devices[1].points[0]: pointId 2 is already mapped by devices[0].points[1]',
    ]);
  });

  it('refuses RTU unit ids outside 1–247 (0 is broadcast on a serial line)', () => {
    const device = { id: 'r', protocol: 'modbus-rtu', endpoint: { path: '/dev/ttyS0' }, points: [{ pointId: 1, unitId: 0, address: 0 }] };
    expect(problemsOf(() => parseDeviceConfig({ version: 1, devices: [device] }, 'r.yaml'))).toEqual([
      'r.yaml:devices[0].points[0].unitId: RTU unit ids are 1–247 (0 is broadcast)',
    ]);
    expect(parseDeviceConfig({ version: 1, devices: [{ ...device, protocol: 'modbus-tcp', endpoint: { host: 'gw' } }] }).devices).toHaveLength(1);
  });

  it('reports YAML syntax errors with line and column, never a stack trace', () => {
    const problems = problemsOf(() => parseDeviceConfigText('version: 1\ndevices: [\n', 'broken.yaml'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^broken\.yaml:\d+:\d+: /);
  });

  it('merges sections and keeps device ids unique', () => {
    const a = { version: 1 as const, devices: [{ id: 'a', protocol: 'http-push' as const, points: [{ pointId: 1, key: 'k' }] }] };
    const b = { version: 1 as const, devices: [{ id: 'b', protocol: 'http-push' as const, points: [{ pointId: 2, key: 'k2' }] }] };
    expect(mergeDeviceConfigs([a, b]).devices.map((d) => d.id)).toEqual(['a', 'b']);
    expect(problemsOf(() => mergeDeviceConfigs([a, a], 'sections'))).toEqual(
      expect.arrayContaining(['sections:devices[1].id: duplicate device id (also devices[0])']),
    );
  });
});
