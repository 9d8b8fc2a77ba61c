import { readFile } from 'node:fs/promises';
import { type DeviceConfig, DeviceConfigError, parseDeviceConfigText } from '@zcp/model';

/**
 * Reads and validates a device config file (YAML or JSON). Every problem comes back in one
 * DeviceConfigError as `file:path: reason` lines; an unreadable file is one such line too.
 *
 * @example
 * const config = await loadDeviceConfigFile('apps/collector/config/examples/modbus-tcp.yaml')
 */
export async function loadDeviceConfigFile(path: string): Promise<DeviceConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    throw new DeviceConfigError(path, [`${path}: cannot read the file (${code})`]);
  }
  return parseDeviceConfigText(text, path);
}
