import { isResult } from '../../api/types';
import { errorMessage } from '../../lib/notify';

/** Why changing the target `name` failed, in words. */
export function targetFailure(name: string, error: unknown): string {
  if (isResult(error, 'TargetNotFoundError')) return `${name} is no longer a target of this namespace: it was removed.`;
  // The API's own message says who may change it (operators, through `scheduler targets`).
  return errorMessage(error);
}
