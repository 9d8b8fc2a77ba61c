import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { MessageSecurityMode, OPCUAClient, SecurityPolicy } from 'node-opcua-client';
import type { resolveOpcuaOptions } from './opcua-options.js';

/**
 * The node-opcua client of one adapter: its application certificate lives in `pkiDir`
 * (created on first connect), and its connection strategy retries forever with our backoff
 * bounds — node-opcua then also restores the session and subscriptions after a loss.
 */
export function createOpcuaClient(o: ReturnType<typeof resolveOpcuaOptions>): { client: OPCUAClient; certificateManager: OPCUACertificateManager } {
  const certificateManager = new OPCUACertificateManager({ rootFolder: o.pkiDir, automaticallyAcceptUnknownCertificate: o.trustUnknownServerCertificates });
  const client = OPCUAClient.create({
    // One application (one certificate) per collector, whatever the number of adapters.
    applicationName: 'zcp-collector',
    clientName: o.id,
    endpointMustExist: false,
    securityMode: MessageSecurityMode[o.securityMode],
    securityPolicy: SecurityPolicy[o.securityPolicy],
    clientCertificateManager: certificateManager,
    connectionStrategy: { maxRetry: -1, initialDelay: o.reconnect.initialDelayMs ?? 250, maxDelay: o.reconnect.maxDelayMs ?? 30_000, randomisationFactor: 0.5 },
    requestedSessionTimeout: o.sessionTimeoutMs,
    defaultTransactionTimeout: o.timeoutMs,
    // The subscription's publish requests keep the session alive.
    keepSessionAlive: false,
  });
  return { client, certificateManager };
}
