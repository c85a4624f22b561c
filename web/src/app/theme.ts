import { createTheme, Loader, Notification, type CSSVariablesResolver } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  // One shade darker than Mantine's default, so white button text passes WCAG AA (4.5:1).
  primaryShade: { light: 7, dark: 8 },
  defaultRadius: 'md',
  // Dialogs and messages appear without sliding or fading for people who ask for less motion.
  respectReducedMotion: true,
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  components: {
    // A <header> inside a dialog is a second banner landmark to browsers (the dialog's role
    // replaces the <section> that would scope it): the dialogs' title bars are plain boxes.
    DrawerHeader: { defaultProps: { component: 'div' } },
    ModalHeader: { defaultProps: { component: 'div' } },
    // A spinner says what is loading: a status may carry a name, a bare element may not.
    Loader: Loader.extend({ defaultProps: { role: 'status' } }),
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss notification' } },
      styles: { description: { color: 'var(--mantine-color-dimmed)' } },
    }),
  },
});

/** Secondary text dark (light) enough to read at 4.5:1 on every surface of the table. */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: { '--mantine-color-dimmed': t.colors.gray[7] },
  dark: { '--mantine-color-dimmed': t.colors.dark[1] },
});
