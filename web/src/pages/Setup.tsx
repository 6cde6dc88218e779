import { Alert, Center, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError, request } from '../api';
import { RedeemSetupLinkDocument } from '../gql/graphql';
import { homeOf, useSession } from '../session';

const FAILURES: Record<string, string> = {
  SETUP_LINK_USED: 'This setup link has already been used',
  SETUP_LINK_EXPIRED: 'This setup link has expired',
  SETUP_LINK_INVALID: 'This setup link is not valid',
};

/** Redeems the setup link once (it is single-use) and goes to the tenant's Provisioning page. */
export function SetupPage() {
  const { secret = '' } = useParams();
  const { setViewer } = useSession();
  const navigate = useNavigate();
  const [failure, setFailure] = useState<{ heading: string; detail?: string }>();
  // StrictMode runs effects twice in development; a setup link must be redeemed once.
  const started = useRef(false);

  useEffect(() => {
    document.title = 'Setting up · CheckProof Directory';
    if (started.current) return;
    started.current = true;
    request(RedeemSetupLinkDocument, { secret }).then(
      ({ redeemSetupLink }) => {
        setViewer(redeemSetupLink);
        navigate(homeOf(redeemSetupLink), { replace: true });
      },
      (err: Error) => {
        const code = err instanceof ApiError ? err.code : undefined;
        const heading = (code && FAILURES[code]) ?? 'This setup link is not valid';
        setFailure(code && FAILURES[code] ? { heading } : { heading, detail: err.message });
      },
    );
  }, [secret, navigate, setViewer]);

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w={480} maw="100%">
        {failure ? (
          <Stack>
            <Title order={1}>{failure.heading}</Title>
            <Text>Ask your CheckProof operator for a new setup link.</Text>
            {failure.detail ? (
              <Alert color="red" role="alert">
                {failure.detail}
              </Alert>
            ) : null}
          </Stack>
        ) : (
          <Stack align="center" role="status" aria-live="polite">
            <Title order={1}>Setting up your console</Title>
            <Loader aria-hidden />
            <Text>Checking your setup link…</Text>
          </Stack>
        )}
      </Paper>
    </Center>
  );
}
