/** A handle returned by {@link TimerSet.set}; pass it back to `clear`. */
export type TimerHandle = ReturnType<typeof setTimeout>;

/**
 * Every timer a bus starts goes through one of these, so `close()` can clear them all and
 * a closed bus leaves no handle that keeps the process (or a test run) alive.
 */
export interface TimerSet {
  set(ms: number, fn: () => void): TimerHandle | undefined;
  clear(handle: TimerHandle | undefined): void;
  /** Clears every pending timer; later `set` calls start nothing. */
  clearAll(): void;
  readonly size: number;
}

export function createTimerSet(): TimerSet {
  const live = new Set<TimerHandle>();
  let closed = false;
  return {
    set(ms, fn) {
      if (closed) return undefined;
      const handle = setTimeout(() => {
        live.delete(handle);
        fn();
      }, ms);
      live.add(handle);
      return handle;
    },
    clear(handle) {
      if (handle === undefined) return;
      clearTimeout(handle);
      live.delete(handle);
    },
    clearAll() {
      closed = true;
      for (const h of live) clearTimeout(h);
      live.clear();
    },
    get size() {
      return live.size;
    },
  };
}
