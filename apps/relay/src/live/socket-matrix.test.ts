import { createMemoryBus } from '@zcp/bus';
import { encodeSyncMessage } from '@zcp/collab';
import {
  type Action,
  type ClientToServerEvents,
  type DocOpenAck,
  type DocSyncAck,
  decide,
  demoPark,
  docAccess,
  enterpriseDocId,
  type JoinAck,
  PARK_DOC_ID,
  type Principal,
  type ServerToClientEvents,
  SocketEvent,
} from '@zcp/model';
import { pino } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEV_AUDIENCE, DEV_ISSUER } from '../auth/dev-idp.js';
import { createJwtVerifier } from '../auth/jwt-verifier.js';
import { loadRelayConfig } from '../config.js';
import { createRelay, type Relay } from '../relay.js';
import { createPgliteStore } from '../storage/index.js';

/**
 * The socket half of the access matrix (issue 7), generated from the event list: every event a
 * client may send has the action it needs written here, and each demo role is tried on the
 * joins and document opens against what THE policy says.
 */
const REQUIRED: Record<string, Action | 'open document' | 'none'> = {
  [SocketEvent.parkJoin]: 'park.read',
  [SocketEvent.parkLeave]: 'none',
  [SocketEvent.docOpen]: 'annotation.read',
  [SocketEvent.docClose]: 'none',
  [SocketEvent.docSync]: 'open document',
  [SocketEvent.docAwareness]: 'open document',
};
const SERVER_ONLY = new Set<string>([
  SocketEvent.stateSnapshot,
  SocketEvent.stateDelta,
  SocketEvent.relayStatus,
  SocketEvent.carbonWindow,
  SocketEvent.docClosed,
]);

const park = demoPark();
const e1 = park.enterprises[0]?.id ?? '';
let relay: Relay;
const sockets: Socket[] = [];
type S = Socket<ServerToClientEvents, ClientToServerEvents>;

beforeAll(async () => {
  relay = createRelay(loadRelayConfig({ PORT: '0', HOST: '127.0.0.1', WEB_DIST_DIR: '/nonexistent', LOG_LEVEL: 'silent', ROLLUP_INTERVAL_MS: '0' }), {
    parks: [park],
    bus: createMemoryBus(),
    store: await createPgliteStore({}),
    logger: pino({ level: 'silent' }),
  });
  await relay.start();
}, 120_000);
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await relay.stop();
  await relay.store.close();
});

const asUser = async (user: string): Promise<{ s: S; principal: Principal }> => {
  const idp = await relay.auth.devIdp;
  const token = (await idp?.issue(user))?.token ?? '';
  const principal = await createJwtVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: idp?.jwks ?? { keys: [] } }).verify(token);
  const s: S = connect(`http://127.0.0.1:${relay.port}`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return { s, principal };
};

describe('socket access matrix: every client event × every role', () => {
  it('names the access every client-sent event needs (a new event without an entry fails)', () => {
    const clientEvents = Object.values(SocketEvent).filter((e) => !SERVER_ONLY.has(e));
    expect(clientEvents.sort()).toEqual(Object.keys(REQUIRED).sort());
  });

  it('joins and document opens answer each demo role as the policy decides; read-only principals cannot write', async () => {
    const users = (await relay.auth.devIdp)?.users ?? [];
    expect(users.length).toBeGreaterThanOrEqual(6);
    for (const u of users) {
      const { s, principal } = await asUser(u.id);
      const join = await new Promise<JoinAck>((resolve) => s.emit(SocketEvent.parkJoin, { parkId: park.id }, resolve));
      expect(join.ok, `${u.id} park:join`).toBe(decide(principal, 'park.read', { parkId: park.id }).allow);
      for (const docId of [PARK_DOC_ID, enterpriseDocId(e1)]) {
        const ref = { parkId: park.id, docId };
        const open = await new Promise<DocOpenAck>((resolve) => s.emit(SocketEvent.docOpen, ref, resolve));
        const expected = docAccess(principal, ref).access;
        expect(open.ok ? open.access : 'none', `${u.id} doc:open ${docId}`).toBe(expected);
        if (open.ok) {
          const doc = new Y.Doc();
          doc.getMap('annotations').set(`probe-${u.id}`, new Y.Map());
          const update = encodeSyncMessage({ type: 'update', update: Y.encodeStateAsUpdate(doc) });
          const ack = await new Promise<DocSyncAck>((resolve) => s.emit(SocketEvent.docSync, ref, update, resolve));
          expect(ack.ok, `${u.id} doc:sync ${docId}`).toBe(expected === 'write');
        }
      }
      s.disconnect();
    }
    const denied = await relay.auth.audit.list({ event: 'access_denied' });
    expect(denied.some((e) => e.resource.startsWith('doc '))).toBe(true);
  }, 60_000);
});
