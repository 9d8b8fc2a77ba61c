import { type PresenceState, PresenceStateSchema } from '@zcp/model';
import type { Awareness } from 'y-protocols/awareness';

/**
 * The participants present on a document, by awareness client id, as validated
 * `PresenceState`s; states that do not parse (another client's bug, or no state yet) are skipped.
 *
 * @example
 * for (const [clientId, p] of presenceOf(provider.awareness)) drawFrustum(p.camera, p.user.color);
 */
export function presenceOf(awareness: Awareness): Map<number, PresenceState> {
  const out = new Map<number, PresenceState>();
  for (const [clientId, state] of awareness.getStates()) {
    const parsed = PresenceStateSchema.safeParse(state);
    if (parsed.success) out.set(clientId, parsed.data);
  }
  return out;
}
