/**
 * A level-free wake-up: loops check their flags, then `await signal.wait()`; whoever changes
 * a flag calls `notify()`. Checking and waiting happen in one synchronous step, so a
 * notification can never fall between them.
 */
export interface Signal {
  wait(): Promise<void>;
  notify(): void;
}

export function createSignal(): Signal {
  let release: () => void = () => {};
  let current = next();
  function next(): Promise<void> {
    return new Promise<void>((resolve) => {
      release = resolve;
    });
  }
  return {
    wait: () => current,
    notify() {
      const r = release;
      current = next();
      r();
    },
  };
}

/** Resolves after `ms`, or as soon as `signal` is notified; never leaves a timer behind. */
export function sleep(ms: number, signal: Signal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([elapsed, signal.wait()]).finally(() => clearTimeout(timer));
}
