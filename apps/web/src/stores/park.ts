import { type CarbonWindowMessage, indexPark, type ParkIndex } from '@zcp/model';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { ApiError, createRelayApi } from '../api/http.js';
import { powerRefs } from '../state/asset-power.js';
import { planKpis } from '../state/kpis.js';

export const api = createRelayApi();

/** The park model (static for a session) and the lookups derived from it once. */
export const useParkStore = defineStore('park', () => {
  const status = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const error = ref<string | null>(null);
  // The model is big and immutable: no deep reactivity.
  const index = shallowRef<ParkIndex | null>(null);
  const kpiPlan = computed(() => (index.value ? planKpis(index.value) : null));
  const refs = computed(() => (index.value ? powerRefs(index.value) : new Map()));
  /** The latest closed 1-minute carbon window from the relay (`carbon:window`). */
  const carbon = shallowRef<CarbonWindowMessage | null>(null);
  /** How the twin colours buildings: by tenant, or by the live carbon intensity. */
  const colourMode = ref<'tenant' | 'carbon'>('tenant');

  function applyCarbonWindow(w: CarbonWindowMessage): void {
    if (index.value && w.parkId !== index.value.park.id) return;
    if (carbon.value && w.windowStart < carbon.value.windowStart) return;
    carbon.value = w;
  }

  /** Loads `parkId`, or the `?park=` query parameter, or the relay's first park. */
  async function load(parkId?: string): Promise<ParkIndex | null> {
    status.value = 'loading';
    error.value = null;
    try {
      let id = parkId ?? new URLSearchParams(location.search).get('park') ?? undefined;
      if (!id) {
        const parks = await api.parks();
        id = parks[0]?.id;
        if (!id) throw new ApiError('no_parks', 404, 'the relay serves no park');
      }
      index.value = indexPark(await api.park(id));
      status.value = 'ready';
      return index.value;
    } catch (err) {
      error.value = err instanceof ApiError ? `${err.code}: ${err.message}` : String(err);
      status.value = 'error';
      return null;
    }
  }

  return { status, error, index, kpiPlan, refs, carbon, colourMode, applyCarbonWindow, load };
});
