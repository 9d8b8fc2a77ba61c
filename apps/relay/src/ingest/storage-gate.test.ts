import type { Consumer } from '@zcp/bus';
import { waitFor } from '@zcp/testkit';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createRelayMetrics } from '../observability/metrics.js';
import { createStorageGate } from './storage-gate.js';

function fakeConsumer() {
  const calls: string[] = [];
  const c: Consumer = { stop: async () => {}, pause: () => calls.push('pause'), resume: () => calls.push('resume') };
  return { c, calls };
}

describe('storage gate (backpressure)', () => {
  it('pauses every consumer on a failed write, probes with backoff, resumes once the database answers', async () => {
    const answers = [false, false, true];
    let pings = 0;
    const metrics = createRelayMetrics();
    const gate = createStorageGate({ ping: async () => answers[pings++] ?? true, logger: pino({ level: 'silent' }), metrics, random: () => 0.5 });
    const a = fakeConsumer();
    const b = fakeConsumer();
    gate.add(a.c);
    gate.add(b.c);
    gate.failed(new Error('connection refused'));
    gate.failed(new Error('again')); // folded into the same pause
    expect(a.calls).toEqual(['pause']);
    expect(b.calls).toEqual(['pause']);
    const s = gate.state();
    expect(s.paused && s.reason).toBe('connection refused');
    expect((await metrics.registry.getSingleMetric('zcp_relay_storage_paused')?.get())?.values[0]?.value).toBe(1);

    // A consumer added while paused starts paused.
    const late = fakeConsumer();
    gate.add(late.c);
    expect(late.calls).toEqual(['pause']);

    await waitFor(() => !gate.state().paused, { what: 'resume', timeoutMs: 5_000 });
    expect(pings).toBe(3); // 250 ms, 500 ms, 1 s
    expect(a.calls).toEqual(['pause', 'resume']);
    expect(late.calls).toEqual(['pause', 'resume']);
    expect((await metrics.registry.getSingleMetric('zcp_relay_storage_paused')?.get())?.values[0]?.value).toBe(0);
    gate.stop();
  });

  it('stop() ends probing: nothing resumes afterwards', async () => {
    let pings = 0;
    const ping = async () => {
      pings++;
      return true;
    };
    const gate = createStorageGate({ ping, logger: pino({ level: 'silent' }), metrics: createRelayMetrics() });
    const a = fakeConsumer();
    gate.add(a.c);
    gate.failed(new Error('down'));
    gate.stop();
    await new Promise((r) => setTimeout(r, 600));
    expect(pings).toBe(0);
    expect(a.calls).toEqual(['pause']);
  });
});
