import type { AdapterFactory, AdapterRegistry } from '../../devices/adapter-registry.js';
import { resolveDevicePoints } from '../../devices/resolve-points.js';
import { CollectorError } from '../../errors.js';
import { createOpcuaAdapter } from './opcua-adapter.js';
import type { OpcuaAdapterOptions, OpcuaAuth } from './opcua-options.js';

export interface OpcuaFactoryOptions {
  /** Folder of the collector's OPC UA PKI (one application certificate for all its sessions). */
  pkiDir: string;
  /** Overrides for every OPC UA device (intervals, backoff…). */
  defaults?: Partial<Pick<OpcuaAdapterOptions, 'samplingIntervalMs' | 'publishingIntervalMs' | 'trustUnknownServerCertificates' | 'sessionTimeoutMs'>>;
}

/**
 * Device config `opc-ua` section → `createOpcuaAdapter`. Points resolve to the park by id or
 * tag; a point's `deadband` becomes the monitored item's absolute deadband (applied by the
 * server, so unchanged values never cross the wire). Sampling and publishing follow the
 * device's `pollIntervalMs` unless `defaults` say otherwise.
 *
 * Not carried over yet: `maxPublishIntervalMs` heartbeats (a subscription sends changes only)
 * and X.509 user tokens (`auth.type: certificate`, refused as config_invalid).
 *
 * @example
 * registerOpcuaFactory(registry, { pkiDir: '/var/lib/zcp/opcua-pki' })
 */
export function createOpcuaAdapterFactory(options: OpcuaFactoryOptions): AdapterFactory<'opc-ua'> {
  return (device, ctx) => {
    const { points } = resolveDevicePoints(device.id, device.points, ctx.park);
    const auth = device.endpoint.auth;
    let resolvedAuth: OpcuaAuth;
    if (auth.type === 'anonymous') resolvedAuth = { type: 'anonymous' };
    else if (auth.type === 'username') {
      const password = auth.password ?? (auth.passwordEnv ? ctx.secrets[auth.passwordEnv] : undefined);
      if (password === undefined)
        throw new CollectorError('config_invalid', `device ${device.id}: no password (set password or the ${auth.passwordEnv ?? 'passwordEnv'} variable)`);
      resolvedAuth = { type: 'username', username: auth.username, password };
    } else {
      throw new CollectorError('config_invalid', `device ${device.id}: OPC UA certificate user tokens are not supported yet; use anonymous or username`);
    }
    return createOpcuaAdapter({
      id: device.id,
      endpointUrl: device.endpoint.endpointUrl,
      securityMode: device.endpoint.securityMode,
      securityPolicy: device.endpoint.securityPolicy,
      auth: resolvedAuth,
      pkiDir: options.pkiDir,
      nodes: points.map(({ ref, point }) => ({
        nodeId: ref.nodeId,
        pointId: point.id,
        assetId: point.assetId,
        scale: ref.scale,
        offset: ref.offset,
        deadband: ref.deadband,
      })),
      samplingIntervalMs: device.pollIntervalMs,
      publishingIntervalMs: device.pollIntervalMs,
      timeoutMs: device.timeoutMs,
      reconnect: device.reconnect,
      ...options.defaults,
      logger: ctx.logger,
      clock: ctx.clock,
      random: ctx.random,
    });
  };
}

/** Registers the `opc-ua` factory (on the app's registry, or `defaultAdapterRegistry` via `registerAdapterFactory`). */
export function registerOpcuaFactory(registry: AdapterRegistry, options: OpcuaFactoryOptions): void {
  registry.register('opc-ua', createOpcuaAdapterFactory(options));
}
