import { Alert, Button, Group } from '@mantine/core';

interface Props {
  /** Why the last try failed, if it did. */
  failure: string | null;
  /** "Could not delete the …". */
  failureTitle: string;
  /** Of the Delete button. */
  testId: string;
  failureTestId: string;
  loading: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}

/** The end of a delete dialog: why the last try failed, if it did, then Cancel and Delete. */
export function DeleteFooter({ failure, failureTitle, testId, failureTestId, loading, onCancel, onConfirm }: Props) {
  return (
    <>
      {failure && (
        <Alert color="red" title={failureTitle} data-testid={failureTestId}>
          {failure}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button color="red.9" loading={loading} onClick={onConfirm} data-testid={testId}>
          Delete
        </Button>
      </Group>
    </>
  );
}
