import { Alert, Loader, Stack, Text, Title } from '@mantine/core';
import { browserTimeZone, formatInZone } from '../../lib/time';
import classes from './ScheduleForm.module.css';
import type { RunPreviewState } from './useRunPreview';

type Props = Omit<RunPreviewState, 'problems'>;

/** The next runs of the definition being edited, as the API computes them. */
export function RunPreview({ preview, error, loading, idleText }: Props) {
  const viewerZone = browserTimeZone();
  let body;
  if (idleText)
    body = (
      <Text size="sm" c="dimmed">
        {idleText}
      </Text>
    );
  else if (error) {
    const text =
      error.kind === 'result' && error.problems.length
        ? 'Fix the fields marked above to see the next runs.'
        : error.message;
    body = (
      <Text size="sm" c="orange" data-testid="preview-error">
        {text}
      </Text>
    );
  } else if (preview && preview.runs.length === 0) body = <Text size="sm">This rule never runs again.</Text>;
  else if (preview)
    body = (
      <ol className={classes.previewList} data-testid="preview-runs">
        {preview.runs.map((run) => (
          <li key={run.runAt}>
            <Text size="sm" span>
              {formatInZone(run.runAt, preview.timezone)} {preview.timezone}
            </Text>
            {preview.timezone !== viewerZone && (
              <Text size="xs" c="dimmed" span>
                {' '}
                · {formatInZone(run.runAt, viewerZone)} your time
              </Text>
            )}
          </li>
        ))}
      </ol>
    );
  return (
    <Stack gap={6} className={classes.preview} aria-live="polite" aria-busy={loading} data-testid="run-preview">
      <Title order={3} size="h6">
        Next runs {loading && <Loader size={12} ml={4} aria-label="Updating preview" />}
      </Title>
      {body ?? <Alert color="gray">…</Alert>}
    </Stack>
  );
}
