/**
 * Sign-in: through the identity provider when single sign-on is configured (the server runs the
 * authorization code flow and comes back here with a session cookie), or with an API token —
 * in development mode the bootstrap token the first start printed.
 */
import { useState, type FormEvent } from 'react';
import { useLocation } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Button, Code, Center, Divider, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/problem.ts';
import { useSession } from './session.tsx';

export function SignIn() {
  const { signInWithToken } = useSession();
  const location = useLocation();
  const providers = useQuery({ queryKey: ['auth-providers'], queryFn: () => api<{ oidc: boolean }>('/auth/providers') });
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const returnTo = `/console${location.pathname === '/' ? '/' : location.pathname}${location.search}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await signInWithToken(token);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%">
        <Stack>
          <Title order={1} size="h2">
            Sign in to Trellis
          </Title>
          {providers.data?.oidc ? (
            <>
              <Button component="a" href={`/auth/login?return_to=${encodeURIComponent(returnTo)}`} size="md">
                Sign in with your organisation
              </Button>
              <Divider label="or with an API token" labelPosition="center" />
            </>
          ) : null}
          <form onSubmit={(e) => void submit(e)} aria-label="Token sign-in">
            <Stack gap="sm">
              <PasswordInput label="API token" description="In development mode, the bootstrap token the server printed at its first start." value={token} onChange={(e) => setToken(e.currentTarget.value)} autoComplete="off" required error={error} />
              <Button type="submit" loading={busy} variant={providers.data?.oidc ? 'default' : 'filled'}>
                Sign in with token
              </Button>
            </Stack>
          </form>
          <Text size="xs" c="dimmed">
            Lost the token? On the server, <Code>trellis tokens create --role admin --name console</Code> makes a new one.
          </Text>
        </Stack>
      </Paper>
    </Center>
  );
}
