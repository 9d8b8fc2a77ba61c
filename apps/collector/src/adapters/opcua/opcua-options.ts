import { UserTokenType } from 'node-opcua-client';
import { CollectorError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Clock, Random } from '../../system.js';
import type { BackoffOptions } from '../backoff.js';
import type { DiscoverablePoint } from './opcua-browse.js';

export const DEFAULT_OPCUA_SAMPLING_INTERVAL_MS = 250;
export const DEFAULT_OPCUA_PUBLISHING_INTERVAL_MS = 250;
export const DEFAULT_OPCUA_TIMEOUT_MS = 10_000;
export const DEFAULT_OPCUA_SESSION_TIMEOUT_MS = 60_000;

/** Same names as the device config's `opc-ua` section (@zcp/model devices). */
export type OpcuaSecurityMode = 'None' | 'Sign' | 'SignAndEncrypt';
export type OpcuaSecurityPolicy = 'None' | 'Basic256Sha256' | 'Aes128_Sha256_RsaOaep' | 'Aes256_Sha256_RsaPss';
export type OpcuaAuth = { type: 'anonymous' } | { type: 'username'; username: string; password: string };

/** One variable → one model point. Delivered value = raw × scale + offset. */
export interface OpcuaNodeMapping {
  /** e.g. `ns=1;s=bess1.p_kw` */
  nodeId: string;
  pointId: number;
  assetId: string;
  scale?: number;
  offset?: number;
  /** Absolute deadband in delivered (scaled) units, applied by the server (DataChangeFilter). 0 = every change. */
  deadband?: number;
}

/** Find the variables by browsing instead of listing them: see `discoverPointNodes`. */
export interface OpcuaDiscovery {
  /** Where to start browsing, e.g. `ns=1;s=Park`. */
  rootNodeId: string;
  /** Candidate model points, matched by tag `<assetId>.<metric>`. */
  points: readonly DiscoverablePoint[];
  deadband?: number;
}

export interface OpcuaAdapterOptions {
  /** Default `opc-ua:${endpointUrl}`. */
  id?: string;
  endpointUrl: string;
  /** Default None. */
  securityMode?: OpcuaSecurityMode;
  /** Default None; SignAndEncrypt needs a real policy (Basic256Sha256 or newer). */
  securityPolicy?: OpcuaSecurityPolicy;
  /** Default anonymous. */
  auth?: OpcuaAuth;
  /** Folder of the client's PKI; its application certificate is created there on first run. */
  pkiDir: string;
  /**
   * Accept a server certificate not (yet) in `<pkiDir>/trusted`. Default true, like a first
   * connection in a commissioning tool; set false in production once the server's
   * certificate has been placed in the trusted folder.
   */
  trustUnknownServerCertificates?: boolean;
  /** Give `nodes`, or `discover`, or both (listed nodes win over discovered ones). */
  nodes?: readonly OpcuaNodeMapping[];
  discover?: OpcuaDiscovery;
  samplingIntervalMs?: number;
  publishingIntervalMs?: number;
  /** How often every point is re-delivered bad while the server is away. Default max(publishing interval, 1 s). */
  badRepeatIntervalMs?: number;
  /** How long the first delivery after subscribing waits for every item's initial value. Default 5 s. */
  initialValuesTimeoutMs?: number;
  /** A live subscription silent this long (no data, no keep-alive) is re-created. Default max(30 publishing intervals, 5 s). */
  subscriptionSilenceMs?: number;
  /** Service call timeout. */
  timeoutMs?: number;
  sessionTimeoutMs?: number;
  /** Backoff of node-opcua's reconnection and of our session retries. */
  reconnect?: BackoffOptions;
  /** Nodes per Read (refresh after reconnection). Default 500. */
  maxNodesPerRead?: number;
  logger?: Logger;
  clock?: Clock;
  random?: Random;
}

export interface OpcuaNode {
  nodeId: string;
  scale: number;
  offset: number;
  deadband: number;
}

/** Options checked and defaulted once; `discoveredOnce` is the adapter's own bookkeeping. */
export function resolveOpcuaOptions(options: OpcuaAdapterOptions) {
  const problems: string[] = [];
  if (!/^opc\.tcp:\/\/\S+$/.test(options.endpointUrl)) problems.push(`endpointUrl must be opc.tcp://host:port[/path], got '${options.endpointUrl}'`);
  const securityMode = options.securityMode ?? 'None';
  const securityPolicy = options.securityPolicy ?? 'None';
  if ((securityMode === 'None') !== (securityPolicy === 'None'))
    problems.push(`securityMode ${securityMode} does not go with securityPolicy ${securityPolicy}`);
  const samplingIntervalMs = options.samplingIntervalMs ?? DEFAULT_OPCUA_SAMPLING_INTERVAL_MS;
  const publishingIntervalMs = options.publishingIntervalMs ?? DEFAULT_OPCUA_PUBLISHING_INTERVAL_MS;
  if (!(samplingIntervalMs >= 0) || !(publishingIntervalMs > 0)) problems.push('samplingIntervalMs must be ≥ 0 and publishingIntervalMs > 0');
  if (!options.pkiDir) problems.push('pkiDir is required');
  if (!options.nodes?.length && !options.discover) problems.push('give nodes or discover');

  const points: { pointId: number; assetId: string; node?: OpcuaNode }[] = [];
  const seen = new Set<number>();
  for (const n of options.nodes ?? []) {
    const scale = n.scale ?? 1;
    if (!Number.isFinite(scale) || scale === 0) problems.push(`node ${n.nodeId}: scale must be finite and non-zero`);
    if (seen.has(n.pointId)) problems.push(`point ${n.pointId} is mapped twice`);
    seen.add(n.pointId);
    // The server's deadband works on raw values.
    const deadband = Math.abs((n.deadband ?? 0) / scale);
    points.push({ pointId: n.pointId, assetId: n.assetId, node: { nodeId: n.nodeId, scale, offset: n.offset ?? 0, deadband } });
  }
  for (const p of options.discover?.points ?? []) {
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    points.push({ pointId: p.id, assetId: p.assetId });
  }
  if (problems.length > 0) throw new CollectorError('config_invalid', `OPC UA adapter: ${problems.join('; ')}`);

  const auth = options.auth ?? { type: 'anonymous' };
  const identity =
    auth.type === 'username' ? { type: UserTokenType.UserName, userName: auth.username, password: auth.password } : { type: UserTokenType.Anonymous };
  return {
    id: options.id ?? `opc-ua:${options.endpointUrl}`,
    endpointUrl: options.endpointUrl,
    securityMode,
    securityPolicy,
    identity,
    pkiDir: options.pkiDir,
    trustUnknownServerCertificates: options.trustUnknownServerCertificates ?? true,
    points,
    discover: options.discover,
    discoveredOnce: false,
    samplingIntervalMs,
    publishingIntervalMs,
    badRepeatIntervalMs: options.badRepeatIntervalMs ?? Math.max(publishingIntervalMs, 1000),
    initialValuesTimeoutMs: options.initialValuesTimeoutMs ?? 5000,
    subscriptionSilenceMs: options.subscriptionSilenceMs ?? Math.max(30 * publishingIntervalMs, 5000),
    timeoutMs: options.timeoutMs ?? DEFAULT_OPCUA_TIMEOUT_MS,
    sessionTimeoutMs: options.sessionTimeoutMs ?? DEFAULT_OPCUA_SESSION_TIMEOUT_MS,
    reconnect: options.reconnect ?? {},
    maxNodesPerRead: options.maxNodesPerRead ?? 500,
  };
}
