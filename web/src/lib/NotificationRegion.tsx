import { Notifications } from '@mantine/notifications';
import { pageNotifications, type NotificationsStore } from './notify';
import classes from './NotificationRegion.module.css';

interface Props {
  label: string;
  store?: NotificationsStore;
}

/**
 * Messages in the flow of the layout rather than floating over it: the region takes room
 * when it has a message and none when empty, so a message never covers what it reports on.
 * It shows one message at a time.
 */
export function NotificationRegion({ label, store = pageNotifications }: Props) {
  return (
    <section aria-label={label} className={classes.region} data-testid="notifications">
      <Notifications
        store={store}
        limit={1}
        withinPortal={false}
        position="bottom-center"
        classNames={{ root: classes.root, notification: classes.notification }}
      />
    </section>
  );
}
