import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import * as Y from 'yjs';
import type { CollabExtension, CollabServerApi } from './types.js';

/** Byte buckets of a document's encoded state: 1 KiB … 64 MiB. */
const STATE_BYTES_BUCKETS = [1_024, 4_096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864];

/** The collab Prometheus metrics on the relay's registry (created once per relay). */
export function createCollabMetrics(registry: Registry) {
  let server: CollabServerApi | undefined;
  const metrics = {
    docsLoaded: new Gauge({
      name: 'zcp_relay_collab_docs_loaded',
      help: 'Shared documents loaded in this relay',
      registers: [registry],
      collect() {
        this.set(server?.loadedDocs().length ?? 0);
      },
    }),
    loadedBytes: new Gauge({
      name: 'zcp_relay_collab_loaded_state_bytes',
      help: 'Encoded Yjs state of the loaded documents, measured at scrape time: total and largest',
      labelNames: ['stat'],
      registers: [registry],
      collect() {
        const sizes = (server?.loadedDocs() ?? []).map((d) => Y.encodeStateAsUpdate(d.doc).length);
        this.set(
          { stat: 'total' },
          sizes.reduce((a, b) => a + b, 0),
        );
        this.set({ stat: 'max' }, Math.max(0, ...sizes));
      },
    }),
    docStateBytes: new Histogram({
      name: 'zcp_relay_collab_doc_state_bytes',
      help: 'Encoded Yjs state of a document when it is loaded or compacted (bytes per loaded document)',
      buckets: STATE_BYTES_BUCKETS,
      registers: [registry],
    }),
    updatesStored: new Counter({ name: 'zcp_relay_collab_updates_stored_total', help: 'Client Yjs updates stored before their ack', registers: [registry] }),
    storeSeconds: new Histogram({
      name: 'zcp_relay_collab_store_seconds',
      help: 'Storage transaction of client updates (group commit)',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    arrivalToCommitSeconds: new Histogram({
      name: 'zcp_relay_collab_update_commit_seconds',
      help: 'A client update from its arrival at the relay to the commit that stored it (queueing + storage); it is broadcast and acknowledged right after',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    compactions: new Counter({ name: 'zcp_relay_collab_compactions_total', help: 'Update logs merged into a snapshot', registers: [registry] }),
    refusals: new Counter({
      name: 'zcp_relay_collab_refusals_total',
      help: 'Refused collab requests by stage and code',
      labelNames: ['stage', 'code'],
      registers: [registry],
    }),
  };
  return {
    ...metrics,
    /** Counts refusals and sizes; the persistence extension counts stores and compactions. */
    extension(): CollabExtension {
      return {
        name: 'metrics',
        onConfigure(s) {
          server = s;
        },
        onRefuse(ctx) {
          metrics.refusals.inc({ stage: ctx.stage, code: ctx.code });
        },
        afterStoreUpdates({ arrivalToCommitMs }) {
          for (const ms of arrivalToCommitMs) metrics.arrivalToCommitSeconds.observe(ms / 1000);
        },
        afterLoadDocument({ bytes }) {
          metrics.docStateBytes.observe(bytes);
        },
      };
    },
  };
}

export type CollabMetrics = ReturnType<typeof createCollabMetrics>;
