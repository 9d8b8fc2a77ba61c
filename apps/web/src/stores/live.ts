import type { PointValueTuple, RelayStatus } from '@zcp/model';
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import { type ConnState, connectLive, type LiveClient, type LiveSocket } from '../api/live-client.js';
import { computeKpis } from '../state/kpis.js';
import { applyTuples, type LiveValue } from '../state/live-values.js';
import { api, useParkStore } from './park.js';

export type ChangeListener = (changedPointIds: readonly number[]) => void;

/**
 * Live point values. The Map is mutated in place and is not reactive; `version` is the one
 * reactive signal, bumped once per applied delta, so a delta re-runs only what reads values
 * (KPIs, the open asset panel) rather than diffing a thousand reactive entries.
 */
export const useLiveStore = defineStore('live', () => {
  const values = shallowRef(markRaw(new Map<number, LiveValue>()));
  const version = ref(0);
  const conn = ref<ConnState>('reconnecting');
  /** False until the first connect: the indicator then says "connecting", not "reconnecting". */
  const everConnected = ref(false);
  const relay = ref<RelayStatus | null>(null);
  const lastUpdateTs = ref<number | null>(null);
  const joinError = ref<string | null>(null);
  const listeners = new Set<ChangeListener>();
  let client: LiveClient | null = null;

  function apply(tuples: readonly PointValueTuple[], ts: number): void {
    const changed = applyTuples(values.value, tuples);
    lastUpdateTs.value = ts;
    if (changed.length === 0) return;
    version.value++;
    for (const l of listeners) l(changed);
  }

  /** Reactive read of one point (tracks `version`). */
  function pointValue(pointId: number): LiveValue | undefined {
    void version.value;
    return values.value.get(pointId);
  }

  /** Non-reactive subscription for the 3D scene, which batches its own updates. */
  function onChange(l: ChangeListener): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  }

  const kpis = computed(() => {
    void version.value;
    const plan = useParkStore().kpiPlan;
    return plan ? computeKpis(plan, values.value) : null;
  });

  /** Connects to the park's live room; `auth` is the socket handshake's (who this is). Returns the socket, which shared documents reuse. */
  function connect(parkId: string, auth?: Record<string, unknown>): LiveSocket {
    client?.close();
    // The HTTP state shows numbers even before (or without) the socket; the ts guard in
    // applyTuples keeps whichever of the two is newer.
    api.state(parkId).then(
      (s) => apply(s.values, s.ts),
      () => undefined,
    );
    client = connectLive(
      parkId,
      {
        snapshot: (s) => {
          joinError.value = null;
          apply(s.values, s.ts);
        },
        delta: (d) => apply(d.values, d.ts),
        state: (s) => {
          conn.value = s;
          if (s === 'connected') everConnected.value = true;
        },
        relayStatus: (s) => {
          relay.value = s;
        },
        joinFailed: (code, message) => {
          joinError.value = `${code}: ${message}`;
        },
        carbonWindow: (w) => useParkStore().applyCarbonWindow(w),
      },
      { auth },
    );
    return client.socket;
  }

  /** New handshake identity: the socket reconnects with it. */
  function reauth(auth: Record<string, unknown>): void {
    client?.reauth(auth);
  }

  function disconnect(): void {
    client?.close();
    client = null;
  }

  return { values, version, conn, everConnected, relay, lastUpdateTs, joinError, kpis, pointValue, onChange, connect, reauth, disconnect, apply };
});
