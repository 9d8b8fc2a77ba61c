import net from 'node:net';
import { describe } from 'vitest';

export type ServerName = 'postgres' | 'nats' | 'mqtt';

/** Where the real servers are; the same defaults as .ci/run starts. */
export const serverUrls = {
  postgres: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  nats: process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222',
  mqtt: process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883',
} as const;

const cache = new Map<ServerName, Promise<boolean>>();

function probe(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when the server answers on its port. */
export function serverAvailable(name: ServerName): Promise<boolean> {
  let p = cache.get(name);
  if (!p) {
    p = probe(serverUrls[name]);
    cache.set(name, p);
  }
  return p;
}

/**
 * `describe` for tests that need a real server. When the server is down the suite is
 * skipped with a loud message — unless ZCP_REQUIRE_SERVERS=1 (as in CI), where it fails.
 */
export async function describeWithServer(names: ServerName[], title: string, body: () => void): Promise<void> {
  const missing: ServerName[] = [];
  for (const n of names) if (!(await serverAvailable(n))) missing.push(n);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const reason = `${missing.join(', ')} not reachable (${missing.map((m) => serverUrls[m]).join(', ')})`;
  if (process.env.ZCP_REQUIRE_SERVERS === '1') {
    describe(title, () => {
      throw new Error(`ZCP_REQUIRE_SERVERS=1 but ${reason}`);
    });
    return;
  }
  process.stderr.write(`\n[testkit] SKIPPING "${title}": ${reason}. Set ZCP_REQUIRE_SERVERS=1 to fail instead.\n`);
  // Skipped on purpose and said out loud above: the real server is missing on this machine.
  // biome-ignore lint/suspicious/noSkippedTests: a loud, reasoned skip outside CI; CI fails instead (ZCP_REQUIRE_SERVERS=1)
  describe.skip(title, body);
}
