import { Alert, Button, Checkbox, Group, NumberInput, Stack, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useCreateWebhookTargetMutation } from '../../api/schedulerApi';
import { isApiError, isResult, type TargetWithSecret } from '../../api/types';
import { errorMessage } from '../../lib/notify';
import {
  emptyWebhook,
  missingFields,
  toWebhookInput,
  webhookProblems,
  type WebhookErrors,
  type WebhookField,
  type WebhookValues,
} from './webhookModel';

interface Props {
  onCreated: (created: TargetWithSecret) => void;
  onCancel: () => void;
}

/** Registers a webhook of the namespace; the API judges the URL and the settings. */
export function WebhookForm({ onCreated, onCancel }: Props) {
  const [values, setValues] = useState<WebhookValues>(emptyWebhook);
  const [errors, setErrors] = useState<WebhookErrors>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [create, { isLoading }] = useCreateWebhookTargetMutation();

  const set = <K extends keyof WebhookValues>(field: K, value: WebhookValues[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors(({ [field as WebhookField]: _dropped, ...rest }) => rest);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setGeneral([]);
    const missing = missingFields(values);
    setErrors(missing);
    if (Object.keys(missing).length) return;
    try {
      const request = create(toWebhookInput(values));
      const created = await request.unwrap();
      // The secret lives in the reveal only, not in the store's record of the request.
      request.reset();
      onCreated(created);
    } catch (error) {
      if (isApiError(error) && error.kind === 'result' && isResult(error, 'ValidationError')) {
        const placed = webhookProblems(error.problems);
        setErrors(placed.fields);
        setGeneral(placed.general);
        return;
      }
      if (isApiError(error) && error.kind === 'unauthorized') return;
      setGeneral([`Could not register the webhook: ${errorMessage(error)}`]);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Register a webhook" data-testid="webhook-form">
      <Stack gap="sm">
        <TextInput
          label="Name"
          description="What schedules give as their target: a-z, 0-9 and '-'."
          required
          value={values.name}
          onChange={(event) => set('name', event.currentTarget.value)}
          error={errors.name}
          data-testid="webhook-name"
        />
        <TextInput
          label="URL"
          description="Each run is POSTed here, signed: https, to a public address."
          required
          type="url"
          value={values.url}
          onChange={(event) => set('url', event.currentTarget.value)}
          error={errors.url}
          data-testid="webhook-url"
        />
        <Checkbox
          label="Make it the namespace's default target"
          checked={values.default}
          onChange={(event) => set('default', event.currentTarget.checked)}
          data-testid="webhook-default"
        />
        <NumberInput
          label="Timeout (seconds)"
          description="1 to 30; 10 if left empty."
          min={1}
          max={30}
          decimalScale={1}
          value={values.timeoutSeconds}
          onChange={(value) => set('timeoutSeconds', value)}
          error={errors.timeoutSeconds}
          data-testid="webhook-timeout"
        />
        <TextInput
          label="Content-Type"
          description="Of each delivery; left empty, JSON for a JSON payload, else text."
          value={values.contentType}
          onChange={(event) => set('contentType', event.currentTarget.value)}
          error={errors.contentType}
          data-testid="webhook-content-type"
        />
        <Group grow align="flex-start" wrap="wrap">
          <NumberInput
            label="Attempts"
            description="1 to 10; 8 if empty."
            min={1}
            max={10}
            allowDecimal={false}
            value={values.maxAttempts}
            onChange={(value) => set('maxAttempts', value)}
            error={errors.maxAttempts}
            data-testid="webhook-max-attempts"
          />
          <NumberInput
            label="Retry for (seconds)"
            description="115200 (32 h) if empty."
            min={1}
            max={345600}
            allowDecimal={false}
            value={values.maxAgeSeconds}
            onChange={(value) => set('maxAgeSeconds', value)}
            error={errors.maxAgeSeconds}
            data-testid="webhook-max-age"
          />
        </Group>
        {general.length > 0 && (
          <Alert color="red" icon={<IconAlertCircle />} data-testid="webhook-form-errors">
            {general.map((text) => (
              <div key={text}>{text}</div>
            ))}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={isLoading} data-testid="save-webhook">
            Register the webhook
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export default WebhookForm;
