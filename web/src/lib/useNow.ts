import { useSyncExternalStore } from 'react';

/** Relative times count seconds when a run is close, so the clock they read ticks every second. */
const TICK_MS = 1000;

// One timer for the whole page, running only while something on it shows a relative time.
const listeners = new Set<() => void>();
let current = new Date();
let timer: number | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    current = new Date();
    timer = window.setInterval(() => {
      current = new Date();
      listeners.forEach((notify) => notify());
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The current time, kept fresh so that "due in 40 s" stays true on a page left open. */
export function useNow(): Date {
  return useSyncExternalStore(subscribe, () => current);
}
