import type { CameraView, Vec3 } from '@zcp/model';

/**
 * What each participant shares through awareness (the shape of `PresenceStateSchema` in
 * @zcp/model): who they are, where their camera is, their laser pointer, their selection and
 * whether they present. Remote states are untrusted input: `readPresence` checks them.
 */
export interface PresenceState {
  user: { sub: string; name: string; team?: string; color: string };
  camera?: CameraView;
  pointer?: Vec3 | null;
  selectedAssetId?: string | null;
  presenting?: boolean;
  followRequestAt?: number;
}

export interface Peer {
  clientId: number;
  state: PresenceState;
}

const isNum = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
const isVec = (v: unknown): v is Vec3 => !!v && typeof v === 'object' && isNum((v as Vec3).x) && isNum((v as Vec3).y) && isNum((v as Vec3).z);

/** A remote awareness state as a `PresenceState`, or null when it is not one (a client still starting, or a bad peer). */
export function readPresence(raw: unknown): PresenceState | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const u = r.user as Record<string, unknown> | undefined;
  if (!u || typeof u.sub !== 'string' || typeof u.name !== 'string' || typeof u.color !== 'string') return null;
  const out: PresenceState = { user: { sub: u.sub, name: u.name.slice(0, 200), color: /^#[0-9a-f]{6}$/i.test(u.color) ? u.color : '#94a3b8' } };
  if (typeof u.team === 'string') out.user.team = u.team.slice(0, 100);
  const cam = r.camera as Record<string, unknown> | undefined;
  if (cam && isVec(cam.position) && isVec(cam.target)) out.camera = { position: cam.position, target: cam.target, ...(isNum(cam.fov) ? { fov: cam.fov } : {}) };
  if (r.pointer === null || isVec(r.pointer)) out.pointer = r.pointer as Vec3 | null;
  if (r.selectedAssetId === null || typeof r.selectedAssetId === 'string') out.selectedAssetId = r.selectedAssetId as string | null;
  if (typeof r.presenting === 'boolean') out.presenting = r.presenting;
  if (isNum(r.followRequestAt)) out.followRequestAt = r.followRequestAt;
  return out;
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
