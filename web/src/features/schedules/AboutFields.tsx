import { Stack, TagsInput, Textarea, TextInput } from '@mantine/core';
import { IconTag } from '@tabler/icons-react';
import { MAX_LABELS } from './labelText';

// The API's bounds (service/domain/about.py).
const MAX_NAME = 200;
const MAX_DESCRIPTION = 2000;

interface Props {
  description: string;
  labels: string[];
  errors: { description?: string; labels?: string };
  onDescription: (text: string) => void;
  onLabels: (texts: string[]) => void;
}

/** What people call the schedule: optional, 1 to 200 characters. */
export function NameField({ name, error, onName }: { name: string; error?: string; onName: (text: string) => void }) {
  return (
    <TextInput
      label="Name"
      description="What people call it; the list shows it, and finds it by its start. Optional."
      value={name}
      onChange={(event) => onName(event.currentTarget.value)}
      maxLength={MAX_NAME}
      error={error}
      data-testid="name-input"
    />
  );
}

/** The description and labels, below the payload: they change nothing about when or where it runs. */
export function AboutFields({ description, labels, errors, onDescription, onLabels }: Props) {
  return (
    <Stack gap="md">
      <Textarea
        label="Description"
        description={`Up to ${MAX_DESCRIPTION.toLocaleString('en')} characters. Optional.`}
        value={description}
        onChange={(event) => onDescription(event.currentTarget.value)}
        maxLength={MAX_DESCRIPTION}
        autosize
        minRows={2}
        maxRows={6}
        error={errors.description}
        data-testid="description-input"
      />
      <TagsInput
        label="Labels"
        description={`key=value, e.g. team=payments; Enter or a comma after each; up to ${MAX_LABELS}. Lists filter by them.`}
        leftSection={<IconTag size={16} aria-hidden />}
        value={labels}
        onChange={onLabels}
        splitChars={[',', ' ']}
        acceptValueOnBlur
        maxTags={MAX_LABELS}
        error={errors.labels}
        data-testid="labels-input"
      />
    </Stack>
  );
}
