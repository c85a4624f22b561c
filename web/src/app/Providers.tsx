import { MantineProvider, type MantineColorScheme } from '@mantine/core';
import type { ReactNode } from 'react';
import { Provider } from 'react-redux';
import type { AppStore } from './store';
import { cssVariablesResolver, theme } from './theme';

interface Props {
  store: AppStore;
  children: ReactNode;
  defaultColorScheme?: MantineColorScheme;
  /** "test" under jsdom, which has no layout: Mantine then skips transitions and portals. */
  env?: 'default' | 'test';
}

export function Providers({ store, children, defaultColorScheme = 'auto', env = 'default' }: Props) {
  return (
    <Provider store={store}>
      <MantineProvider
        theme={theme}
        defaultColorScheme={defaultColorScheme}
        cssVariablesResolver={cssVariablesResolver}
        env={env}
      >
        {children}
      </MantineProvider>
    </Provider>
  );
}
