import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { demoPark } from '@zcp/model';
import { describe, expect, it } from 'vitest';
import { modbusDeviceRegisterMap } from '../adapters/modbus/modbus-factory.js';
import { loadDeviceConfigFile } from './load-device-config.js';
import { resolveDevicePoints } from './resolve-points.js';

const dir = fileURLToPath(new URL('../../config/examples/', import.meta.url));
const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f));
const park = demoPark();

describe('example device configs (docs/device-config.md) stay valid', () => {
  it('has an example for every protocol', async () => {
    const protocols = new Set<string>();
    for (const f of files) for (const d of (await loadDeviceConfigFile(dir + f)).devices) protocols.add(d.protocol);
    expect([...protocols].sort()).toEqual(['http-push', 'modbus-rtu', 'modbus-rtu-over-tcp', 'modbus-tcp', 'mqtt', 'opc-ua']);
  });

  it.each(files)('%s parses and maps every point to the demo park', async (file) => {
    const config = await loadDeviceConfigFile(dir + file);
    for (const d of config.devices) {
      if (d.protocol === 'modbus-tcp' || d.protocol === 'modbus-rtu' || d.protocol === 'modbus-rtu-over-tcp') {
        expect(modbusDeviceRegisterMap(d, park).registerMap.entries).toHaveLength(d.points.length);
      } else {
        const refs: readonly { pointId?: number; tag?: string; deadband: number }[] = d.points;
        expect(resolveDevicePoints(d.id, refs, park).points).toHaveLength(d.points.length);
      }
    }
  });

  it('names the file when it cannot be read', async () => {
    await expect(loadDeviceConfigFile(`${dir}missing.yaml`)).rejects.toMatchObject({ issues: [`${dir}missing.yaml: cannot read the file (ENOENT)`] });
  });
});
