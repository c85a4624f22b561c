import type { Problem, WebhookTargetInput } from '../../api/types';
import { placeProblems } from '../../lib/problems';

/** The register-a-webhook form as typed; an empty setting takes the API's default. */
export interface WebhookValues {
  name: string;
  url: string;
  default: boolean;
  timeoutSeconds: number | string;
  contentType: string;
  maxAttempts: number | string;
  maxAgeSeconds: number | string;
}

export type WebhookField = Exclude<keyof WebhookValues, 'default'>;
export type WebhookErrors = Partial<Record<WebhookField, string>>;

export const emptyWebhook: WebhookValues = {
  name: '',
  url: '',
  default: false,
  timeoutSeconds: '',
  contentType: '',
  maxAttempts: '',
  maxAgeSeconds: '',
};

// The API's names for the fields (service/domain/webhooks.py, retry_policy.py).
const FIELD_OF_PROBLEM: Record<string, WebhookField> = {
  name: 'name',
  url: 'url',
  timeoutSeconds: 'timeoutSeconds',
  contentType: 'contentType',
  'retry.maxAttempts': 'maxAttempts',
  'retry.maxAgeSeconds': 'maxAgeSeconds',
};

const numberOrNull = (value: number | string): number | null => (value === '' || value === null ? null : Number(value));

export function toWebhookInput(values: WebhookValues): WebhookTargetInput {
  const maxAttempts = numberOrNull(values.maxAttempts);
  const maxAgeSeconds = numberOrNull(values.maxAgeSeconds);
  return {
    name: values.name.trim(),
    url: values.url.trim(),
    default: values.default,
    timeoutSeconds: numberOrNull(values.timeoutSeconds),
    contentType: values.contentType.trim() || null,
    retry: maxAttempts === null && maxAgeSeconds === null ? null : { maxAttempts, maxAgeSeconds },
  };
}

/** What must be there before asking the API, which judges the rest. */
export function missingFields(values: WebhookValues): WebhookErrors {
  const errors: WebhookErrors = {};
  if (!values.name.trim()) errors.name = 'Give the webhook a name';
  if (!values.url.trim()) errors.url = 'Give the URL its runs are POSTed to';
  return errors;
}

export function webhookProblems(problems: Problem[]): { fields: WebhookErrors; general: string[] } {
  return placeProblems(problems, FIELD_OF_PROBLEM);
}
