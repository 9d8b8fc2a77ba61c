/**
 * A relay started as a child process for the ingest bench, exactly as it runs in production
 * (apps/relay/src/main.ts): the bench treats it as a black box it reaches over HTTP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const RELAY_MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export interface RelayProcess {
  readonly name: string;
  readonly pid: number | undefined;
  readonly port: number;
  /** GET /metrics as text. */
  scrapeMetrics(): Promise<string>;
  /** SIGTERM (the relay drains its consumer), SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void>;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
}

/** A port free right now on loopback (the relay binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartRelayOptions {
  name: string;
  databaseUrl: string;
  natsUrl: string;
  parkFile: string;
  /** Where the relay's log lines go, prefixed with its name. */
  onLine: (line: string) => void;
}

/**
 * Starts `node --conditions=source --import tsx apps/relay/src/main.ts` with the bench's
 * environment (other variables, e.g. STORAGE_BATCH_MESSAGES, pass through) and waits until
 * GET /readyz answers 200.
 */
export async function startRelayProcess(o: StartRelayOptions): Promise<RelayProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', RELAY_MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: o.databaseUrl,
      NATS_URL: o.natsUrl,
      PARK_FILE: o.parkFile,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // No web app: the relay then serves the API only (and says so once).
      WEB_DIST_DIR: fileURLToPath(new URL('./no-web-app/', import.meta.url)),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => o.onLine(`[${o.name}] ${line}`));
  }
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  const base = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  const relay: RelayProcess = {
    name: o.name,
    pid: child.pid,
    port,
    exited,
    async scrapeMetrics() {
      const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`${o.name}: GET /metrics answered ${res.status}`);
      return res.text();
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };

  // A relay that dies mid-run shows up as a stalled drain; say why.
  void exited.then((code) => {
    if (!stopping) o.onLine(`[${o.name}] exited unexpectedly (code ${code})`);
  });

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let early: number | null | undefined;
  exited.then((code) => {
    early = code;
  });
  for (;;) {
    if (early !== undefined) throw new Error(`${o.name} exited (code ${early}) before it was ready`);
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return relay;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await relay.stop();
      throw new Error(`${o.name} not ready within ${READY_TIMEOUT_MS / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
