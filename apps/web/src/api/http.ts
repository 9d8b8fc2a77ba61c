import type { Park, ParkSummary, PointHistory, Problem, StateSnapshot } from '@zcp/model';

/** A failed relay call: the problem+json `code` when the relay sent one, else an HTTP or network code. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly problem?: Problem,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RelayApi {
  parks(signal?: AbortSignal): Promise<ParkSummary[]>;
  park(parkId: string, signal?: AbortSignal): Promise<Park>;
  state(parkId: string, signal?: AbortSignal): Promise<StateSnapshot>;
  history(pointId: number, from: Date, to: Date, signal?: AbortSignal): Promise<PointHistory>;
}

/**
 * The relay's HTTP API (same origin by default).
 *
 * @example
 * const api = createRelayApi(); const park = await api.park('demo');
 */
export function createRelayApi(baseUrl = '', fetchFn: typeof fetch = (...a) => fetch(...a)): RelayApi {
  async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await fetchFn(`${baseUrl}${path}`, { headers: { accept: 'application/json' }, signal });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError('network_error', 0, err instanceof Error ? err.message : String(err));
    }
    if (!res.ok) {
      let problem: Problem | undefined;
      try {
        problem = (await res.json()) as Problem;
      } catch {
        problem = undefined;
      }
      throw new ApiError(problem?.code ?? `http_${res.status}`, res.status, problem?.detail ?? problem?.title ?? res.statusText, problem);
    }
    return (await res.json()) as T;
  }
  const enc = encodeURIComponent;
  return {
    parks: (signal) => get('/api/parks', signal),
    park: (parkId, signal) => get(`/api/parks/${enc(parkId)}`, signal),
    state: (parkId, signal) => get(`/api/parks/${enc(parkId)}/state`, signal),
    history: (pointId, from, to, signal) => get(`/api/points/${pointId}/history?from=${enc(from.toISOString())}&to=${enc(to.toISOString())}`, signal),
  };
}
