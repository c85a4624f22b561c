import '@testing-library/jest-dom/vitest';
import { cleanNotifications } from '@mantine/notifications';
import { cleanup, configure } from '@testing-library/react';
import { afterAll, afterEach, vi } from 'vitest';
import { matchesMedia, resetViewport } from './viewport';

// The form's preview waits 400 ms after the last change before asking the API; on a busy
// machine the default second for `findBy…` is too close to that.
configure({ asyncUtilTimeout: 3000 });

if (typeof window !== 'undefined') {
  // jsdom lacks the layout APIs Mantine reads.
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: vi.fn().mockImplementation((query: string) => ({
      matches: matchesMedia(query),
      media: query,
      onchange: null,
      addListener: vi.fn(),
      removeListener: vi.fn(),
      addEventListener: vi.fn(),
      removeEventListener: vi.fn(),
      dispatchEvent: vi.fn(),
    })),
  });

  class ResizeObserverStub {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  window.ResizeObserver = ResizeObserverStub as unknown as typeof ResizeObserver;
  window.HTMLElement.prototype.scrollIntoView = () => {};
  window.scrollTo = () => {};

  afterEach(() => {
    cleanup();
    window.sessionStorage.clear();
    cleanNotifications();
    resetViewport();
  });

  // Mantine's transitions end on timers (250 ms by default) that can still be pending when a
  // file's last test ends; they update React state, which needs the window jsdom tears down.
  afterAll(() => new Promise<void>((done) => setTimeout(done, 500)));
}

afterEach(() => {
  vi.unstubAllGlobals();
});
