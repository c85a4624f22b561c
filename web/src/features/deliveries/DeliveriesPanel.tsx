import { Center, Loader, Paper, Text, Title } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { ErrorBoundary } from 'react-error-boundary';
import { useDeliveryStatsQuery } from '../../api/schedulerApi';
import { errorMessage } from '../../lib/notify';
import { browserTimeZone } from '../../lib/time';
import { useScreenAtLeast } from '../../lib/useScreenAtLeast';
import { describeDeliveries } from './deliverySeries';
import classes from './DeliveriesPanel.module.css';

const DeliveriesChart = lazy(() => import('./DeliveriesChart'));

const HOURS = 24;
// An hour's figures change as runs go out; once a minute keeps the current hour honest.
const REFRESH_MS = 60_000;

/** The namespace's deliveries per hour over the last day, from the API, above the list. */
export function DeliveriesPanel() {
  const viewerZone = browserTimeZone();
  const wide = useScreenAtLeast('sm');
  const height = wide ? 180 : 150;
  const { data, error, isLoading } = useDeliveryStatsQuery(HOURS, {
    pollingInterval: REFRESH_MS,
    skipPollingIfUnfocused: true,
  });

  let body;
  if (isLoading)
    body = (
      <Center h={height}>
        <Loader size="sm" aria-label="Loading the deliveries" />
      </Center>
    );
  else if (error || !data)
    body = (
      <Text size="sm" c="dimmed" data-testid="deliveries-failed">
        The delivery figures could not be loaded{error ? `: ${errorMessage(error)}` : '.'}
      </Text>
    );
  else
    body = (
      <>
        <ErrorBoundary
          fallback={
            <Text size="sm" c="dimmed" data-testid="deliveries-chart-failed">
              The chart could not be drawn; the figures are below.
            </Text>
          }
        >
          <Suspense
            fallback={
              <Center h={height}>
                <Loader size="sm" aria-label="Loading the chart" />
              </Center>
            }
          >
            <DeliveriesChart hours={data.hours} viewerZone={viewerZone} height={height} />
          </Suspense>
        </ErrorBoundary>
        <Text component="figcaption" size="xs" c="dimmed" data-testid="deliveries-summary">
          {describeDeliveries(data.hours, viewerZone)}
        </Text>
      </>
    );

  return (
    <Paper
      withBorder
      p="sm"
      component="figure"
      className={classes.panel}
      aria-labelledby="deliveries-title"
      data-testid="deliveries-chart"
    >
      <Title order={2} size="h6" id="deliveries-title" mb={4}>
        Deliveries per hour, last {HOURS} hours
      </Title>
      {body}
    </Paper>
  );
}
