import { useMantineTheme, type MantineBreakpoint } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';

/**
 * Whether the viewport is at least as wide as a theme breakpoint. Read on the first render,
 * so a phone never flashes the wide layout (nor a wide screen the narrow one).
 */
export function useScreenAtLeast(breakpoint: MantineBreakpoint): boolean {
  const theme = useMantineTheme();
  return useMediaQuery(`(min-width: ${theme.breakpoints[breakpoint]})`, false, { getInitialValueInEffect: false });
}
