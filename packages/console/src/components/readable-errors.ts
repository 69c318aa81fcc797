/**
 * The class that gives a page's field errors a red readable on white (see readable-errors.css).
 * Modals and Drawers render in a portal outside the page, so each takes overlayProps as well.
 */
import './readable-errors.css';

export const readableErrors = 'readable-errors';

export const overlayProps = { className: readableErrors } as const;
