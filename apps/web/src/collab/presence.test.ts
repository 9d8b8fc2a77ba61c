import { describe, expect, it } from 'vitest';
import { initials, otherPeers, type PresenceState, peerCameras, peerLasers, presenterToFollow } from './presence.js';

const user = (name: string, extra: Partial<PresenceState> = {}): PresenceState => ({ user: { sub: name, name, color: '#22c55e' }, ...extra });
const cam = { position: { x: 0, y: -50, z: 30 }, target: { x: 0, y: 0, z: 0 } };

describe('presence', () => {
  it('lists the others, maps their cameras to frustums except the one we look through', () => {
    const states = new Map<number, PresenceState>([
      [1, user('Me', { camera: cam })],
      [2, user('Bo', { camera: cam })],
      [3, user('Al')],
      [4, user('Cy', { camera: cam, pointer: { x: 5, y: 5, z: 0 } })],
    ]);
    const peers = otherPeers(states, 1);
    expect(peers.map((p) => p.state.user.name)).toEqual(['Al', 'Bo', 'Cy']);
    expect(peerCameras(peers, null).map((c) => c.clientId)).toEqual([2, 4]);
    expect(peerCameras(peers, 4).map((c) => c.clientId)).toEqual([2]);
    expect(peerLasers(peers)).toEqual([{ clientId: 4, color: '#22c55e', point: { x: 5, y: 5, z: 0 }, from: cam.position }]);
  });
  it('follows the latest presenter request not yet walked away from', () => {
    const peers = otherPeers(
      new Map<number, PresenceState>([
        [2, user('A', { presenting: true, followRequestAt: 100 })],
        [3, user('B', { presenting: true, followRequestAt: 200 })],
        [4, user('C', { presenting: false, followRequestAt: 300 })],
      ]),
      1,
    );
    expect(presenterToFollow(peers, 0)?.clientId).toBe(3);
    expect(presenterToFollow(peers, 150)?.clientId).toBe(3);
    expect(presenterToFollow(peers, 200)).toBeNull();
  });
  it('makes avatar initials', () => {
    expect(initials('张伟明')).toBe('伟明');
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('bob')).toBe('BO');
    expect(initials(' ')).toBe('?');
  });
});
