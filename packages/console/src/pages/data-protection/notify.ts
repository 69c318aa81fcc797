/**
 * notifications.show with what the shell's defaults lack: a name for the close button, and the
 * message in the text colour (Mantine draws a titled message in light grey, under WCAG AA).
 */
import { notifications, type NotificationData } from '@mantine/notifications';
import './data-protection.css';

export function notify(data: NotificationData): void {
  notifications.show({ closeButtonProps: { 'aria-label': 'Close the notice' }, classNames: { description: 'notice-text' }, ...data });
}
