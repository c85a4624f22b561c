import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import type { DeliveryHour } from '../../api/types';
import { deliveryBars } from './deliverySeries';

export interface DeliveriesChartProps {
  hours: DeliveryHour[];
  viewerZone: string;
  height: number;
}

const SERIES = [
  { name: 'onTime', label: 'On time', color: 'teal.7' },
  { name: 'late', label: 'Late (over 1 s)', color: 'yellow.6' },
  { name: 'failed', label: 'Failed', color: 'red.7' },
  { name: 'missed', label: 'Missed', color: 'orange.7' },
  { name: 'canceled', label: 'Canceled', color: 'gray.6' },
];

/**
 * The namespace's runs per hour, stacked by outcome. Loaded on demand: the charting library
 * is most of its weight. The sentence beside it says the same for those who cannot see it.
 */
export function DeliveriesChart({ hours, viewerZone, height }: DeliveriesChartProps) {
  return (
    <BarChart
      h={height}
      data={deliveryBars(hours, viewerZone)}
      dataKey="hour"
      type="stacked"
      series={SERIES}
      withLegend
      legendProps={{ verticalAlign: 'bottom', height: 44 }}
      xAxisProps={{ interval: 'preserveStartEnd', minTickGap: 16 }}
      yAxisProps={{ width: 36, allowDecimals: false }}
      tooltipAnimationDuration={0}
      aria-hidden
      data-testid="deliveries-bars"
    />
  );
}

export default DeliveriesChart;
