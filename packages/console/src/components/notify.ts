/**
 * Every page's success and failure notices: notifications.show with what the shell's defaults
 * lack — a name for the close button, and the message in the text colour (Mantine draws a titled
 * message in light grey, under WCAG AA).
 */
import { notifications, type NotificationData } from '@mantine/notifications';
import './notify.css';

export function notify(data: NotificationData): void {
  notifications.show({ closeButtonProps: { 'aria-label': 'Close notification' }, classNames: { description: 'notice-text' }, ...data });
}
