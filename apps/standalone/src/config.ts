import { type CollectorConfig, loadCollectorConfig } from '@zcp/collector';
import { loadRelayConfig, type RelayConfig } from '@zcp/relay';

export interface StackConfig {
  relay: RelayConfig;
  collector: CollectorConfig;
}

export class StackConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'StackConfigError';
  }
}

/**
 * The all-in-one's configuration: the relay's and the collector's variables from one
 * environment; every invalid variable of both is listed in one error.
 */
export function loadStackConfig(env: Record<string, string | undefined>): StackConfig {
  const issues: string[] = [];
  let relay: RelayConfig | undefined;
  let collector: CollectorConfig | undefined;
  try {
    relay = loadRelayConfig(env);
  } catch (e) {
    issues.push(...((e as { issues?: string[] }).issues ?? [String(e)]));
  }
  try {
    // The demo speaks every field protocol at once unless told otherwise.
    collector = loadCollectorConfig({ SIM_PROTOCOLS: 'all', ...env });
  } catch (e) {
    issues.push(...((e as { issues?: string[] }).issues ?? [String(e)]));
  }
  if (!relay || !collector) throw new StackConfigError([...new Set(issues)]);
  return { relay, collector };
}
