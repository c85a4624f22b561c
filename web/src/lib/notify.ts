import { notifications } from '@mantine/notifications';
import { isApiError } from '../api/types';

export function notifySuccess(message: string) {
  notifications.show({ color: 'teal', title: 'Done', message });
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

export function notifyFailure(action: string, error: unknown) {
  // A rejected key already sends the user to sign-in, which says why.
  if (isApiError(error) && error.kind === 'unauthorized') return;
  notifications.show({ color: 'red', title: `Could not ${action}`, message: errorMessage(error), autoClose: 8000 });
}
