import { isNode, LineCounter, parseDocument } from 'yaml';
import { type DeviceConfig, type DeviceConfigEntry, type DeviceConfigInput, type DeviceConfigIssue, validateDeviceConfig } from './device-config.js';

/** A device config that does not validate: every problem, one `file:path: reason` line each. */
export class DeviceConfigError extends Error {
  override readonly name = 'DeviceConfigError';
  readonly code = 'device_config_invalid';
  constructor(
    readonly file: string,
    readonly issues: readonly string[],
  ) {
    super(`invalid device configuration ${file} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n  ${issues.join('\n  ')}`);
  }
}

/** `devices[3].points[2].dataType` from zod's `['devices', 3, 'points', 2, 'dataType']`. */
export function formatConfigPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(root)';
}

function issueLines(file: string, issues: readonly DeviceConfigIssue[], lineOf?: (path: readonly PropertyKey[]) => number | undefined): string[] {
  return issues.map((issue) => {
    const line = lineOf?.(issue.path);
    return `${file}:${formatConfigPath(issue.path)}: ${issue.message}${line === undefined ? '' : ` (line ${line})`}`;
  });
}

/**
 * Validates an already-parsed device config (JSON, or a section built in code) and applies
 * defaults; throws a DeviceConfigError listing every problem.
 *
 * @example
 * const config = parseDeviceConfig({ version: 1, devices: [...] }, 'simulated-park')
 */
export function parseDeviceConfig(input: unknown, file = 'device-config'): DeviceConfig {
  const { config, issues } = validateDeviceConfig(input);
  if (!config) throw new DeviceConfigError(file, issueLines(file, issues));
  return config;
}

/**
 * Parses a device config file's text (YAML 1.2, so JSON too) and validates it. Syntax errors
 * are reported as `file:line:col: reason`, schema errors as `file:path: reason (line n)`;
 * all of them at once, never a stack trace.
 *
 * @example
 * parseDeviceConfigText(readFileSync('devices.yaml', 'utf8'), 'devices.yaml')
 * // DeviceConfigError: devices.yaml:devices[3].points[2].dataType: Invalid option: expected one of "int16"|… (line 42)
 */
export function parseDeviceConfigText(text: string, file: string): DeviceConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new DeviceConfigError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return `${file}:${pos ? `${pos.line}:${pos.col}` : '(syntax)'}: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  const { config, issues } = validateDeviceConfig(doc.toJS());
  if (config) return config;
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    // The deepest node that exists along the path (a missing key points at its parent).
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as (string | number)[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  throw new DeviceConfigError(file, issueLines(file, issues, lineOf));
}

/**
 * Joins config sections (the simulated park's Modbus devices, its OPC UA server, its MQTT
 * broker…) into one config. Device ids must stay unique; the result is validated as a whole.
 *
 * @example
 * mergeDeviceConfigs([modbusSection, opcUaSection])
 */
export function mergeDeviceConfigs(sections: readonly (DeviceConfig | DeviceConfigInput)[], file = 'merged device config'): DeviceConfig {
  const devices: unknown[] = [];
  for (const s of sections) devices.push(...s.devices);
  return parseDeviceConfig({ version: 1, devices }, file);
}

/** The enabled devices of one protocol, typed by it. */
export function devicesOf<P extends DeviceConfigEntry['protocol']>(config: DeviceConfig, protocol: P): Extract<DeviceConfigEntry, { protocol: P }>[] {
  return config.devices.filter((d): d is Extract<DeviceConfigEntry, { protocol: P }> => d.enabled && d.protocol === protocol);
}
