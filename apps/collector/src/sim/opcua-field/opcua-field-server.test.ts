import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDeviceConfig, type Reading } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { AttributeIds, type ClientSession, MessageSecurityMode, makeBrowsePath, OPCUAClient, UserTokenType } from 'node-opcua-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerLazyOpcuaFactory } from '../../adapters/opcua/load-opcua.js';
import { startTestPark, type TestPark } from '../../adapters/opcua/opcua-test-park.js';
import { createAdapterRegistry } from '../../devices/adapter-registry.js';
import { silentLogger } from '../../logger.js';
import { simulatedOpcuaDeviceConfig } from './opcua-device-config.js';
import { DEMO_OPCUA_USER } from './opcua-field-server.js';

describe('simulated OPC UA park server', () => {
  let t: TestPark;
  let client: OPCUAClient;
  let certificates: OPCUACertificateManager;
  let session: ClientSession;
  beforeAll(async () => {
    t = await startTestPark();
    certificates = new OPCUACertificateManager({ rootFolder: join(t.dir, 'probe-pki'), automaticallyAcceptUnknownCertificate: true });
    client = OPCUAClient.create({ endpointMustExist: false, clientCertificateManager: certificates, connectionStrategy: { maxRetry: 0 } });
    await client.connect(t.server.endpointUrl);
    session = await client.createSession();
  });
  afterAll(async () => {
    await session?.close();
    await client?.disconnect();
    await certificates?.dispose();
    await t?.close();
  });

  it('creates its application certificate in the PKI folder on first run and reuses it', async () => {
    const own = join(t.dir, 'server-pki', 'own', 'certs');
    const files = await readdir(own);
    expect(files.length).toBeGreaterThan(0);
    const before = await readFile(join(own, files[0] as string));
    await t.restart();
    expect(await readFile(join(own, files[0] as string))).toEqual(before);
    // Reconnect the probe to the restarted server.
    await session.close().catch(() => undefined);
    await client.disconnect();
    await client.connect(t.server.endpointUrl);
    session = await client.createSession();
  });

  it('offers None and SignAndEncrypt/Basic256Sha256 endpoints with anonymous and username tokens', async () => {
    const endpoints = await client.getEndpoints();
    const offered = endpoints.map((e) => `${MessageSecurityMode[e.securityMode]}/${e.securityPolicyUri?.split('#')[1]}`).sort();
    expect(offered).toEqual(['None/None', 'SignAndEncrypt/Basic256Sha256']);
    for (const e of endpoints) {
      const tokens = (e.userIdentityTokens ?? []).map((u) => UserTokenType[u.tokenType]);
      expect(tokens).toEqual(expect.arrayContaining(['Anonymous', 'UserName']));
    }
  });

  it('lays out Objects/Park/<enterprise>/<building>/<asset>/<metric> with units and the configured sampling floor', async () => {
    const asset = t.park.assets.find((a) => a.buildingId && a.enterpriseId && a.kind === 'production_line');
    if (!asset?.buildingId || !asset.enterpriseId) throw new Error('demo park has no production line in a building');
    const path = `/1:Park/1:${asset.enterpriseId}/1:${asset.buildingId}/1:${asset.id}/1:p_kw`;
    const [found] = await session.translateBrowsePath([makeBrowsePath('ObjectsFolder', path)]);
    expect(found?.statusCode.name).toBe('Good');
    expect(found?.targets?.[0]?.targetId.toString()).toBe(`ns=1;s=${asset.id}.p_kw`);

    const park = await session.translateBrowsePath(makeBrowsePath('ObjectsFolder', '/1:Park/1:grid/1:p_kw'));
    expect(park.targets?.[0]?.targetId.toString()).toBe('ns=1;s=grid.p_kw');
    const eu = await session.translateBrowsePath(makeBrowsePath('ns=1;s=grid.p_kw', '.EngineeringUnits'));
    const units = await session.read({ nodeId: eu.targets?.[0]?.targetId, attributeId: AttributeIds.Value });
    expect(units.value.value.displayName.text).toBe('kW');
    const sampling = await session.read({ nodeId: 'ns=1;s=grid.p_kw', attributeId: AttributeIds.MinimumSamplingInterval });
    expect(sampling.value.value).toBe(50);
  });

  it('reads values from the simulator and writes the setpoint into it', async () => {
    const grid = t.park.points.find((p) => p.tag === 'grid.p_kw')?.id as number;
    const dv = await session.read({ nodeId: 'ns=1;s=grid.p_kw', attributeId: AttributeIds.Value });
    expect(dv.value.value).toBe(t.simulator.value(grid));
    expect(dv.sourceTimestamp?.getTime()).toBe(t.simulator.timeMs());
    const status = await session.write({
      nodeId: 'ns=1;s=bess1.setpoint_kw',
      attributeId: AttributeIds.Value,
      value: { value: { dataType: 'Double', value: 250 } },
    });
    expect(status.name).toBe('Good');
    expect(t.simulator.value(t.setpointPointId)).toBe(250);
    const refused = await session.write({ nodeId: 'ns=1;s=grid.p_kw', attributeId: AttributeIds.Value, value: { value: { dataType: 'Double', value: 1 } } });
    expect(refused.name).toBe('BadNotWritable');
  });

  it('plugs into the adapter registry from a device config (username over SignAndEncrypt, password from env)', async () => {
    const registry = createAdapterRegistry();
    registerLazyOpcuaFactory(registry, { pkiDir: join(t.dir, 'factory-pki') });
    const config = parseDeviceConfig({
      version: 1,
      devices: [
        {
          id: 'opcua-park',
          protocol: 'opc-ua',
          pollIntervalMs: 100,
          endpoint: {
            endpointUrl: t.server.endpointUrl,
            securityMode: 'SignAndEncrypt',
            securityPolicy: 'Basic256Sha256',
            auth: { type: 'username', username: DEMO_OPCUA_USER.username, passwordEnv: 'OPCUA_PASSWORD' },
          },
          points: [
            { tag: 'grid.p_kw', nodeId: 'ns=1;s=grid.p_kw', scale: 1000, unit: 'W' },
            { tag: 'bess1.setpoint_kw', nodeId: 'ns=1;s=bess1.setpoint_kw', writable: true },
          ],
        },
      ],
    });
    const { adapters } = await registry.build(config, {
      park: t.park,
      logger: silentLogger,
      clock: Date.now,
      random: Math.random,
      secrets: { OPCUA_PASSWORD: DEMO_OPCUA_USER.password },
    });
    const adapter = adapters[0];
    if (!adapter) throw new Error('no adapter built');
    const latest = new Map<number, Reading>();
    await adapter.start((readings) => {
      for (const r of readings) latest.set(r.pointId, r);
    });
    try {
      const grid = t.park.points.find((p) => p.tag === 'grid.p_kw')?.id as number;
      await waitFor(() => latest.get(grid)?.quality === 'good');
      expect(latest.get(grid)?.value).toBeCloseTo((t.simulator.value(grid) as number) * 1000, 6);
      expect(await adapter.write?.(t.setpointPointId, -100)).toEqual({ ok: true, readBack: -100 });
    } finally {
      await adapter.stop();
    }
  });

  it('serves the whole park through its generated device-config section (all points good, setpoint writable)', async () => {
    const registry = createAdapterRegistry();
    registerLazyOpcuaFactory(registry, { pkiDir: join(t.dir, 'factory-pki') });
    const config = parseDeviceConfig(simulatedOpcuaDeviceConfig(t.park, { endpointUrl: t.server.endpointUrl, pollIntervalMs: 100 }));
    expect(config.devices[0]?.points).toHaveLength(t.park.points.length);
    const { adapters } = await registry.build(config, { park: t.park, logger: silentLogger, clock: Date.now, random: Math.random, secrets: {} });
    const adapter = adapters[0];
    if (!adapter) throw new Error('no adapter built');
    const latest = new Map<number, Reading>();
    await adapter.start((readings) => {
      for (const r of readings) latest.set(r.pointId, r);
    });
    try {
      await waitFor(() => latest.size === t.park.points.length && [...latest.values()].every((r) => r.quality === 'good'), { what: 'every point good' });
      for (const p of t.park.points) expect(latest.get(p.id)?.value).toBe(t.simulator.value(p.id));
      expect(await adapter.write?.(t.setpointPointId, 320)).toEqual({ ok: true, readBack: 320 });
    } finally {
      await adapter.stop();
    }
  });
});
