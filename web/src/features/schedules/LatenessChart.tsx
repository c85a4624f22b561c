import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import { Text } from '@mantine/core';
import type { Run } from '../../api/types';
import { formatInZone, formatLateness, formatShortInZone } from '../../lib/time';
import { describeSeries, latenessSeries } from './latenessSeries';
import classes from './LatenessChart.module.css';

export interface LatenessChartProps {
  runs: Run[];
  now: Date;
  viewerZone: string;
}

/**
 * How late each recent run became visible, over time, with the runs that did not go out
 * marked where they fell. Loaded on demand: the charting library is most of its weight.
 */
export function LatenessChart({ runs, now, viewerZone }: LatenessChartProps) {
  const series = latenessSeries(runs, now);
  const summary = describeSeries(series);
  if (series.points.length === 0) return null;
  return (
    <figure className={classes.figure} aria-label="Lateness of recent runs" data-testid="lateness-chart">
      <LineChart
        h={180}
        data={series.points}
        dataKey="at"
        series={[{ name: 'lateness', label: 'Lateness', color: 'indigo.6' }]}
        connectNulls={false}
        curveType="linear"
        valueFormatter={(value) => formatLateness(value)}
        xAxisProps={{
          type: 'number',
          scale: 'time',
          domain: ['dataMin', 'dataMax'],
          tickFormatter: (value: number) => formatShortInZone(value, viewerZone),
        }}
        yAxisProps={{ width: 64 }}
        tooltipProps={{ labelFormatter: (value: number) => formatInZone(value, viewerZone) }}
        referenceLines={series.marked.map(({ at, status }) => ({
          x: at,
          color: 'red.7',
          label: status,
          labelPosition: 'insideTopRight',
        }))}
        aria-hidden
      />
      <Text component="figcaption" size="xs" c="dimmed" data-testid="lateness-summary">
        {summary}
      </Text>
    </figure>
  );
}

export default LatenessChart;
