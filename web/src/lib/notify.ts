import { notifications, notificationsStore, type NotificationsStore } from '@mantine/notifications';
import { isApiError } from '../api/types';

export type { NotificationsStore };

/** The page's own messages; a surface that covers the page (the drawer) shows its own store. */
export const pageNotifications: NotificationsStore = notificationsStore;

// One message at a time: a newer one replaces the last, so they never pile up.
function replaceWith(store: NotificationsStore, show: () => void) {
  notifications.clean(store);
  show();
}

export function notifySuccess(message: string, store: NotificationsStore = pageNotifications) {
  replaceWith(store, () => notifications.show({ color: 'teal', title: 'Done', message }, store));
}

export function errorMessage(error: unknown): string {
  if (isApiError(error)) {
    if (error.kind === 'result' && error.problems.length) {
      return error.problems.map((p) => `${p.field} ${p.message}`).join('; ');
    }
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function notifyFailure(action: string, error: unknown, store: NotificationsStore = pageNotifications) {
  // A rejected key already sends the user to sign-in, which says why.
  if (isApiError(error) && error.kind === 'unauthorized') return;
  replaceWith(store, () =>
    notifications.show(
      { color: 'red', title: `Could not ${action}`, message: errorMessage(error), autoClose: 8000 },
      store,
    ),
  );
}
