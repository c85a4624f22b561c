import { MantineProvider, type MantineColorScheme } from '@mantine/core';
import type { ReactNode } from 'react';
import { Provider } from 'react-redux';
import type { AppStore } from './store';
import { cssVariablesResolver, theme } from './theme';

interface Props {
  store: AppStore;
  children: ReactNode;
  defaultColorScheme?: MantineColorScheme;
}

export function Providers({ store, children, defaultColorScheme = 'auto' }: Props) {
  return (
    <Provider store={store}>
      <MantineProvider
        theme={theme}
        defaultColorScheme={defaultColorScheme}
        cssVariablesResolver={cssVariablesResolver}
      >
        {children}
      </MantineProvider>
    </Provider>
  );
}
