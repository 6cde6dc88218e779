import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { ApiError, request } from '../api';
import { SignInDocument } from '../gql/graphql';
import { homeOf, useSession } from '../session';

export function SignInPage() {
  const { viewer, setViewer } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  useEffect(() => {
    document.title = 'Sign in · CheckProof Directory';
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setPending(true);
    try {
      const { signIn } = await request(SignInDocument, { adminToken: token });
      setViewer(signIn);
      const from = (location.state as { from?: string } | null)?.from;
      navigate(from && from !== '/sign-in' ? from : homeOf(signIn), { replace: true });
    } catch (err) {
      const invalid = err instanceof ApiError && (err.code === 'UNAUTHENTICATED' || err.status === 401);
      setError(invalid ? 'That admin token is not valid.' : (err as Error).message);
    } finally {
      setPending(false);
    }
  };

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%">
        <form onSubmit={submit} noValidate>
          <Stack>
            <div>
              <Text size="sm" c="dimmed">
                CheckProof Directory
              </Text>
              <Title order={1}>Sign in</Title>
            </div>
            {viewer ? (
              <Text size="sm">You are signed in already; signing in again replaces that session.</Text>
            ) : null}
            <Text size="sm">
              Operators sign in with the service&apos;s admin token (<code>ADMIN_TOKEN</code>). Tenant
              administrators open the setup link their CheckProof operator sent them.
            </Text>
            <PasswordInput
              label="Admin token"
              required
              autoComplete="current-password"
              value={token}
              onChange={(e) => setToken(e.currentTarget.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'sign-in-error' : undefined}
              autoFocus
            />
            {error ? (
              <Alert color="red" role="alert" id="sign-in-error">
                {error}
              </Alert>
            ) : null}
            <Button type="submit" loading={pending} disabled={token.length === 0}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
