import type { CameraView, PresenceState, Vec3 } from '@zcp/model';

export type { PresenceState } from '@zcp/model';

export interface Peer {
  clientId: number;
  state: PresenceState;
}

/** The other participants (not this client), in a stable order: by name, then client id. */
export function otherPeers(states: ReadonlyMap<number, PresenceState>, selfClientId: number): Peer[] {
  return [...states]
    .filter(([id]) => id !== selfClientId)
    .map(([clientId, state]) => ({ clientId, state }))
    .sort((a, b) => a.state.user.name.localeCompare(b.state.user.name) || a.clientId - b.clientId);
}

/** The cameras to draw: every other participant that shares one (not whom we follow: we look through it). */
export function peerCameras(peers: readonly Peer[], followingClientId: number | null): { clientId: number; name: string; color: string; view: CameraView }[] {
  return peers.flatMap((p) =>
    p.state.camera && p.clientId !== followingClientId
      ? [{ clientId: p.clientId, name: p.state.user.name, color: p.state.user.color, view: p.state.camera }]
      : [],
  );
}

/** Laser dots to draw (ours included): participants holding the pointer down on something. */
export function peerLasers(all: readonly Peer[]): { clientId: number; color: string; point: Vec3; from?: Vec3 }[] {
  return all.flatMap((p) =>
    p.state.pointer
      ? [{ clientId: p.clientId, color: p.state.user.color, point: p.state.pointer, ...(p.state.camera ? { from: p.state.camera.position } : {}) }]
      : [],
  );
}

/**
 * The presenter this client should follow: the participant presenting whose latest request to
 * follow is newer than the one this user last walked away from. Null when nobody asks, or only we do.
 */
export function presenterToFollow(peers: readonly Peer[], dismissedRequestAt: number): Peer | null {
  let best: Peer | null = null;
  for (const p of peers) {
    const at = p.state.followRequestAt ?? 0;
    if (!p.state.presenting || at <= dismissedRequestAt) continue;
    if (!best || at > (best.state.followRequestAt ?? 0)) best = p;
  }
  return best;
}

/** Initials for an avatar: the first two letters of a Latin name's words, or the last two characters of a Chinese name. */
export function initials(name: string): string {
  const n = name.trim();
  if (!n) return '?';
  if (/[\u3400-\u9fff]/.test(n)) return [...n.replace(/\s+/g, '')].slice(-2).join('');
  const words = n.split(/\s+/);
  return (words.length > 1 ? `${words[0]?.[0] ?? ''}${words[1]?.[0] ?? ''}` : n.slice(0, 2)).toUpperCase();
}
