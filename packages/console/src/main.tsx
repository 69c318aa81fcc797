/**
 * The console's entry: Mantine (with the CSP nonce on its style element), TanStack Query for
 * every request, the session, and the router over src/routes.tsx's pages.
 */
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './console.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Drawer, MantineProvider, Modal, createTheme } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError } from './api/problem.ts';
import { SessionProvider } from './auth/session.tsx';
import { App } from './app.tsx';
import { setNonce } from 'get-nonce';
import { cspNonce } from './csp.ts';

// Drawers and modals lock the page's scroll with a style element made by react-remove-scroll,
// which takes its nonce from get-nonce: without this the CSP refuses it.
const nonce = cspNonce();
if (nonce) setNonce(nonce);

const theme = createTheme({
  primaryColor: 'teal',
  // Text on the primary colour keeps WCAG AA contrast in both schemes.
  primaryShade: { light: 9, dark: 6 },
  defaultRadius: 'sm',
  // People who ask their system for less motion get dialogs and menus without animation.
  respectReducedMotion: true,
  // Mantine's darkest orange, yellow and lime still fall short of AA as text on white: the last
  // two shades of each are darker tones of the same hue.
  colors: {
    orange: ['#fff4e6', '#ffe8cc', '#ffd8a8', '#ffc078', '#ffa94d', '#ff922b', '#fd7e14', '#f76707', '#c2410c', '#9a3412'],
    yellow: ['#fff9db', '#fff3bf', '#ffec99', '#ffe066', '#ffd43b', '#fcc419', '#fab005', '#f59f00', '#a16207', '#854d0e'],
    lime: ['#f4fce3', '#e9fac8', '#d8f5a2', '#c0eb75', '#a9e34b', '#94d82d', '#82c91e', '#74b816', '#4d7c0f', '#3f6212'],
  },
  // Close buttons are icons: give them a name a screen reader can say.
  components: {
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
  },
});

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      // A refusal or a missing thing will not change by asking again.
      retry: (count, err) => count < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto" getStyleNonce={() => nonce ?? ''}>
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <SessionProvider>
          <App />
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
