import type { DeliveryHour } from '../../api/types';
import { dayjs } from '../../lib/time';

/** One bar of the chart: an hour's runs by outcome, stacked. */
export interface DeliveryBar {
  /** The hour's start in the viewer's zone: "14:00". */
  hour: string;
  onTime: number;
  late: number;
  failed: number;
  missed: number;
  canceled: number;
}

/** The hours as the chart stacks them: delivered on time and late apart, then what did not go out. */
export function deliveryBars(hours: DeliveryHour[], viewerZone: string): DeliveryBar[] {
  return hours.map((hour) => ({
    hour: dayjs(hour.start).tz(viewerZone).format('HH:mm'),
    onTime: Math.max(hour.delivered - hour.late, 0),
    late: hour.late,
    failed: hour.failed,
    missed: hour.missed,
    canceled: hour.canceled,
  }));
}

function count(total: number, what: string): string {
  return `${total.toLocaleString('en')} ${what}`;
}

/**
 * The chart in one sentence, for those who cannot see it: "Last 24 hours: 312 delivered
 * (4 late), 2 failed, 1 missed, 0 canceled; the busiest hour 14:00 with 40."
 */
export function describeDeliveries(hours: DeliveryHour[], viewerZone: string): string {
  const sum = (pick: (hour: DeliveryHour) => number) => hours.reduce((total, hour) => total + pick(hour), 0);
  const delivered = sum((hour) => hour.delivered);
  const late = sum((hour) => hour.late);
  const failed = sum((hour) => hour.failed);
  const missed = sum((hour) => hour.missed);
  const canceled = sum((hour) => hour.canceled);
  const span = `Last ${hours.length} ${hours.length === 1 ? 'hour' : 'hours'}`;
  if (delivered + failed + missed + canceled === 0) return `${span}: no runs.`;
  const runs = (hour: DeliveryHour) => hour.delivered + hour.failed + hour.missed + hour.canceled;
  const busiest = hours.reduce((best, hour) => (runs(hour) > runs(best) ? hour : best));
  return (
    `${span}: ${count(delivered, 'delivered')} (${count(late, 'late')}), ${count(failed, 'failed')}, ` +
    `${count(missed, 'missed')}, ${count(canceled, 'canceled')}; the busiest hour ` +
    `${dayjs(busiest.start).tz(viewerZone).format('HH:mm')} with ${runs(busiest).toLocaleString('en')}.`
  );
}
