/**
 * Routes: the sign-in page until someone is signed in, then the layout with every page the
 * caller may open. A page the role may not open is not routed at all (it reads as not found).
 */
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { useMemo } from 'react';
import { useSession } from './auth/session.tsx';
import { pages } from './routes.tsx';
import { Layout } from './shell/layout.tsx';
import { SignIn } from './auth/sign-in.tsx';
import { Loading, Empty } from './components/states.tsx';

export function App() {
  const { me, ready, mayAny } = useSession();
  const router = useMemo(() => {
    if (!me) return createBrowserRouter([{ path: '*', element: <SignIn /> }], { basename: '/console' });
    const allowed = pages.filter((p) => p.permissions.length === 0 || mayAny(p.permissions));
    return createBrowserRouter(
      [
        {
          element: <Layout />,
          children: [
            ...allowed.map((p) => ({ path: p.path, element: <p.Component /> })),
            { path: '/sign-in', element: <Navigate to="/" replace /> },
            { path: '*', element: <Empty title="No such page">The address may be mistyped, or your role may not open this page.</Empty> },
          ],
        },
      ],
      { basename: '/console' },
    );
  }, [me, mayAny]);
  if (!ready) return <Loading what="Trellis" />;
  // A new router per person: RouterProvider keeps the state of the router it started with, so
  // without a new key the page just signed in would still hold the sign-in router's matches.
  return <RouterProvider key={me ? `${me.kind}:${me.name}:${me.role}` : 'signed-out'} router={router} />;
}
