import type { Bus } from '@zcp/bus';
import { type Actor, AnnotationStore, DocProvider } from '@zcp/collab';
import {
  ANNOTATION_CATEGORIES,
  ANNOTATION_STATUS_MOVES,
  type ClientToServerEvents,
  type Park,
  type PrincipalInput,
  type Rng,
  type ServerToClientEvents,
} from '@zcp/model';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { pino } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import type * as Y from 'yjs';
import { createDevIdp } from '../auth/dev-idp.js';
import { loadRelayConfig } from '../config.js';
import { createRelay, type Relay } from '../relay.js';

// Test support for the collab tests and the benchmark: relays on port 0 against a given
// database and bus, simulated clients (socket.io-client + DocProvider + AnnotationStore), and
// seeded random annotation edits.

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * One development-IdP signing key for every relay these tests start — in process (TEST_AUTH_ENV)
 * or as a child process or worker thread (they inherit process.env) — so a simulated client's
 * token verifies on any of them, by the same path as production tokens (issue 7).
 */
if (!process.env.AUTH_DEV_PRIVATE_JWK) {
  const testKey = await generateKeyPair('ES256', { extractable: true });
  process.env.AUTH_DEV_PRIVATE_JWK = JSON.stringify(await exportJWK(testKey.privateKey));
}
export const TEST_AUTH_ENV: Record<string, string> = { AUTH_DEV_PRIVATE_JWK: process.env.AUTH_DEV_PRIVATE_JWK as string };
const testIdp = createDevIdp([], { privateJwk: JSON.parse(TEST_AUTH_ENV.AUTH_DEV_PRIVATE_JWK as string) as JWK });
/** Who a simulated client is when the test names nobody: a platform admin of every park. */
export const TEST_PRINCIPAL: PrincipalInput = { sub: 'dev', name: 'Developer', role: 'platform_admin', parkIds: ['*'] };
/** A signed token for a principal, accepted by every test relay. */
export async function tokenFor(principal: PrincipalInput = TEST_PRINCIPAL): Promise<string> {
  return (await testIdp).issueFor(principal);
}

export interface TestRelayOptions {
  park: Park;
  databaseUrl: string;
  bus: Bus;
  env?: Record<string, string>;
}

/** A relay on a free loopback port with the given database and bus (the test closes the bus). */
export async function startTestRelay(o: TestRelayOptions): Promise<Relay> {
  const config = loadRelayConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: o.databaseUrl,
    WEB_DIST_DIR: '/nonexistent',
    LOG_LEVEL: process.env.ZCP_COLLAB_LOG ?? 'silent',
    ROLLUP_INTERVAL_MS: '0',
    STORAGE_WORKERS: '1',
    ...TEST_AUTH_ENV,
    ...o.env,
  });
  const relay = createRelay(config, { parks: [o.park], bus: o.bus, logger: pino({ level: config.logLevel, name: 'relay' }) });
  await relay.start();
  return relay;
}

export interface SimClient {
  socket: ClientSocket;
  provider: DocProvider;
  store: AnnotationStore;
  actor: Actor;
  close(): void;
}

/**
 * One simulated participant: a socket.io-client to the relay (development principal in the
 * handshake when given) and a DocProvider on the document.
 */
export function simClient(
  port: number,
  ref: { parkId: string; docId: string },
  o: { principal?: PrincipalInput; name?: string; reconnection?: boolean } = {},
): SimClient {
  const socket: ClientSocket = connect(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    reconnection: o.reconnection ?? false,
    forceNew: true,
    // The handshake token, minted afresh on every (re)connect.
    auth: (cb) => {
      void tokenFor(o.principal).then((token) => cb({ token }));
    },
  });
  const provider = new DocProvider({ socket, ref, reopenDelayMs: 50 });
  const actor = { sub: o.principal?.sub ?? 'dev', name: o.name ?? o.principal?.name ?? 'sim' };
  return {
    socket,
    provider,
    store: new AnnotationStore(provider.doc),
    actor,
    close() {
      provider.destroy();
      socket.disconnect();
    },
  };
}

const VIEW = { position: { x: 10, y: -20, z: 30 }, target: { x: 0, y: 0, z: 0 }, fov: 0.8 };

/**
 * One seeded random edit: add (most likely while there are few), edit fields, a valid status
 * move, a comment, or a remove. Returns what it did (for failure messages).
 */
export function randomEdit(c: SimClient, rng: Rng, assetIds: readonly string[]): string {
  const list = c.store.list();
  const roll = rng.next();
  if (list.length === 0 || roll < 0.3) {
    c.store.add(
      {
        anchor:
          rng.next() < 0.5
            ? { kind: 'asset', assetId: rng.pick(assetIds) }
            : { kind: 'point', position: { x: rng.int(-50, 50), y: rng.int(-50, 50), z: rng.int(0, 10) } },
        view: VIEW,
        title: `t${rng.int(0, 1e6)}`,
        category: rng.pick(ANNOTATION_CATEGORIES),
        status: 'open',
      },
      c.actor,
    );
    return 'add';
  }
  const target = rng.pick(list);
  if (roll < 0.5) {
    c.store.update(target.id, { text: `x${rng.int(0, 1e6)}`, team: rng.pick(['ops', 'safety', 'energy']) }, c.actor);
    return 'edit';
  }
  if (roll < 0.7) {
    c.store.setStatus(target.id, rng.pick(ANNOTATION_STATUS_MOVES[target.status]), c.actor);
    return 'status';
  }
  if (roll < 0.92) {
    c.store.addComment(target.id, `c${rng.int(0, 1e6)}`, c.actor);
    return 'comment';
  }
  c.store.remove(target.id);
  return 'remove';
}

/** A stable fingerprint of a replica: the JSON of its annotation list. */
export function fingerprint(c: { store: AnnotationStore }): string {
  return JSON.stringify(c.store.list());
}

/** The document a fresh Y.Doc holds after applying a state (compare replicas by content). */
export function contentOf(doc: Y.Doc): string {
  return JSON.stringify(new AnnotationStore(doc).list());
}

export const waitConnected = (s: ClientSocket): Promise<void> =>
  s.connected
    ? Promise.resolve()
    : new Promise((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
