import { MessageSecurityMode, nodesets, OPCUACertificateManager, OPCUAServer, SecurityPolicy, type ServerSession } from 'node-opcua';
import { routeOpcuaLogs } from '../../adapters/opcua/opcua-logs.js';
import { CollectorError } from '../../errors.js';
import { type Logger, silentLogger } from '../../logger.js';
import type { ParkSimulator } from '../park-simulator.js';
import { buildParkAddressSpace } from './park-address-space.js';

/** Sampling floor of the park's variables; node-opcua would otherwise default to 1000 ms. */
export const DEFAULT_OPCUA_MIN_SAMPLING_INTERVAL_MS = 100;
/** The demo login of the simulated server (username token). Not a secret: a simulator. */
export const DEMO_OPCUA_USER = { username: 'operator', password: 'zcp-demo-operator' } as const;

export interface OpcuaFieldServerOptions {
  simulator: ParkSimulator;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** 0 or omitted: an ephemeral port. */
  port?: number;
  /**
   * Folder of the server's PKI (own certificate + trusted/rejected client certificates);
   * the self-signed application certificate is created there on first run.
   */
  pkiDir: string;
  /** Username/password logins accepted besides anonymous. Default: the demo user. */
  users?: readonly { username: string; password: string }[];
  /** Default true. */
  allowAnonymous?: boolean;
  minimumSamplingIntervalMs?: number;
  logger?: Logger;
}

export interface OpcuaFieldServer {
  readonly host: string;
  readonly port: number;
  /** `opc.tcp://host:port/UA/ZcpPark` */
  readonly endpointUrl: string;
  /** Variables in the park tree (one per model point). */
  readonly variables: number;
  /** Sessions currently open. */
  sessions(): number;
  /**
   * Fault injection: deletes every subscription of every open session, leaving the sessions
   * up — what a device does after a firmware hiccup. Returns how many were deleted.
   */
  dropSubscriptions(): number;
  close(): Promise<void>;
}

/**
 * The simulated park as an OPC UA server (node-opcua): a browsable tree of the park's points
 * with engineering units, read from the simulator on every sample, and a writable battery
 * setpoint that reaches `simulator.setSetpoint`. Endpoints: None, and SignAndEncrypt with
 * Basic256Sha256; user tokens anonymous and username/password. Client certificates are
 * accepted automatically — this is a simulator for a trusted machine, not a field device.
 *
 * @example
 * const server = await startOpcuaFieldServer({ simulator, pkiDir: join(tmp, 'server-pki') })
 * const adapter = createOpcuaAdapter({ endpointUrl: server.endpointUrl, ... })
 * await server.close()
 */
export async function startOpcuaFieldServer(options: OpcuaFieldServerOptions): Promise<OpcuaFieldServer> {
  const logger = (options.logger ?? silentLogger).child({ component: 'opcua-field' });
  routeOpcuaLogs(logger);
  const host = options.host ?? '127.0.0.1';
  const users = options.users ?? [DEMO_OPCUA_USER];
  const minimumSamplingIntervalMs = options.minimumSamplingIntervalMs ?? DEFAULT_OPCUA_MIN_SAMPLING_INTERVAL_MS;
  if (!(minimumSamplingIntervalMs >= 0)) throw new CollectorError('config_invalid', 'minimumSamplingIntervalMs must be ≥ 0');

  const serverCertificateManager = new OPCUACertificateManager({ rootFolder: options.pkiDir, automaticallyAcceptUnknownCertificate: true });
  const server = new OPCUAServer({
    host,
    hostname: host,
    port: options.port ?? 0,
    resourcePath: '/UA/ZcpPark',
    serverCertificateManager,
    nodeset_filename: [nodesets.standard],
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.SignAndEncrypt],
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
    allowAnonymous: options.allowAnonymous ?? true,
    userManager: { isValidUser: (username: string, password: string) => users.some((u) => u.username === username && u.password === password) },
    buildInfo: { productName: 'ZCP simulated park', manufacturerName: 'zcp', softwareVersion: '0.1.0' },
    serverInfo: { applicationUri: 'urn:zcp:sim:opcua-park', productUri: 'urn:zcp:sim', applicationName: { text: 'ZCP simulated park' } },
  });
  // Sessions as the server reports them (public events, no engine internals).
  const openSessions = new Set<ServerSession>();
  server.on('create_session', (session: ServerSession) => openSessions.add(session));
  server.on('session_closed', (session: ServerSession) => openSessions.delete(session));
  await server.initialize();
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new CollectorError('internal', 'OPC UA server has no address space after initialize()');
  const variables = buildParkAddressSpace(addressSpace, options.simulator, { minimumSamplingIntervalMs });
  await server.start();
  const port = server.endpoints[0]?.port ?? 0;
  const endpointUrl = server.getEndpointUrl();
  logger.info({ endpointUrl, variables }, 'simulated OPC UA server listening');

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    endpointUrl,
    variables,
    sessions: () => server.currentSessionCount,
    dropSubscriptions() {
      let dropped = 0;
      for (const session of openSessions) {
        for (const sub of session.publishEngine.subscriptions) if (session.deleteSubscription(sub.id).isGood()) dropped++;
      }
      logger.warn({ dropped }, 'simulated fault: subscriptions dropped');
      return dropped;
    },
    close() {
      closing ??= (async () => {
        // 0 ms: no grace period announced to clients (a simulator stops at once).
        await server.shutdown(0);
        await serverCertificateManager.dispose();
      })();
      return closing;
    },
  };
}
