import { Loader, Stack, Text, Title } from '@mantine/core';
import { browserTimeZone, formatInZone, isAfter } from '../../lib/time';
import { useNow } from '../../lib/useNow';
import classes from './ScheduleForm.module.css';
import type { RunPreviewState } from './useRunPreview';

type Props = Omit<RunPreviewState, 'problems'>;

/** The next runs of the definition being edited, as the API computes them. */
export function RunPreview({ preview, error, loading, idleText, immediate }: Props) {
  const viewerZone = browserTimeZone();
  const now = useNow();
  let body;
  if (immediate)
    body = (
      <ol className={classes.previewList} data-testid="preview-runs">
        <li>
          <Text size="sm" span>
            Once, as soon as it is saved
          </Text>
        </li>
      </ol>
    );
  else if (idleText)
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
      <Text size="sm" c="orange.9" data-testid="preview-error">
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
            {!isAfter(run.runAt, now) && (
              <Text size="xs" fw={600} span data-testid="preview-at-once">
                {' '}
                · passed: delivered at once when saved
              </Text>
            )}
          </li>
        ))}
      </ol>
    );
  return (
    <Stack gap={6} className={classes.preview} aria-live="polite" aria-busy={loading} data-testid="run-preview">
      <Title order={3} size="h6">
        {immediate ? 'Run' : 'Next runs'} {loading && <Loader size={12} ml={4} aria-label="Updating preview" />}
      </Title>
      {body}
    </Stack>
  );
}
