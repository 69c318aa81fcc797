/**
 * Props for every Modal and Drawer here. Mantine's scroll lock (react-remove-scroll) would hide
 * the page's scroll bar with a <style> element that carries no CSP nonce, which the console's
 * policy refuses; the lock itself (blocking wheel and touch scrolling behind) stays. The close
 * button gets a name, and the dialog the page's scope class (see connectors.css).
 */
import './connectors.css';

export const scopeClass = 'cs-scope';

export const overlayProps = {
  removeScrollProps: { removeScrollBar: false },
  closeButtonProps: { 'aria-label': 'Close' },
  className: scopeClass,
} as const;
