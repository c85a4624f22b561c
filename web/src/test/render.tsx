import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { Providers } from '../app/Providers';
import { makeStore, type RootState } from '../app/store';

/** Renders with the app's real store and providers, signed in unless told otherwise. */
export function renderWithStore(ui: ReactElement, preloadedState: Partial<RootState> = {}) {
  const store = makeStore({ auth: { apiKey: 'test-key', reason: null }, ...preloadedState });
  const result = render(
    <Providers store={store} defaultColorScheme="light" env="test">
      {ui}
    </Providers>,
  );
  return { store, ...result };
}
