import {
  Alert,
  Badge,
  Breadcrumbs,
  Button,
  Card,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { request } from '../api';
import { CopyField } from '../components/CopyField';
import { EntraGuide } from '../components/EntraGuide';
import { HealthLine } from '../components/Health';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { ago, dateTime, hoursMinutes, plural } from '../format';
import {
  ConnectionStatusDocument,
  ProvisioningSettingsDocument,
  RevokeScimTokenDocument,
  RotateScimTokenDocument,
  type ConnectionStatusQuery,
  type ProvisioningSettingsQuery,
} from '../gql/graphql';
import { useTenantId } from '../tenant';
import { useQuery } from '../useQuery';

type Token = ProvisioningSettingsQuery['provisioning']['tokens'][number];
type Connection = ConnectionStatusQuery['provisioning']['connection'];

function statusText(c: Connection, now: number): ReactNode {
  switch (c.state) {
    case 'WAITING':
      return 'Waiting for Entra’s Test Connection';
    case 'TEST_RECEIVED':
      return `Test Connection received at ${c.testConnectionAt ? hoursMinutes(c.testConnectionAt) : '—'} ✓`;
    case 'PROVISIONING':
      return (
        <>
          {`Provisioning: ${plural(c.userCount, 'user')} and ${plural(c.groupCount, 'group')} so far, `}
          {/* Ticks every poll: read on demand, not announced every 3 s. */}
          <span aria-live="off">{`last request ${ago(c.lastRequestAt, now)}`}</span>
        </>
      );
  }
}

/** Polls every 3 s, so Entra's Test Connection and first cycle show without a reload. */
function ConnectionCard({ tenantId }: { tenantId: string }) {
  const { data, error } = useQuery(ConnectionStatusDocument, {}, { tenantId, pollMs: 3000 });
  const now = Date.now();
  const c = data?.provisioning.connection;
  const color = !c ? 'gray' : c.state === 'WAITING' ? 'gray' : c.state === 'TEST_RECEIVED' ? 'blue' : 'green';
  return (
    <Card withBorder padding="md">
      <Stack gap="xs">
        <Group gap="xs">
          <Badge color={color} variant="dot" aria-hidden>
            Entra
          </Badge>
          <Text fw={600} role="status" aria-live="polite">
            {c
              ? statusText(c, now)
              : error
                ? 'Connection status unavailable'
                : 'Checking for Entra’s requests…'}
          </Text>
        </Group>
        {c?.testConnectionAt && c.state === 'PROVISIONING' ? (
          <Text size="sm" c="dimmed">
            Last Test Connection {dateTime(c.testConnectionAt)}; first request {dateTime(c.firstRequestAt)}.
          </Text>
        ) : null}
        {data ? <HealthLine health={data.provisioningHealth} /> : null}
        {error && data ? (
          <Text size="sm" c="red">
            Could not refresh: {error.message}
          </Text>
        ) : null}
      </Stack>
    </Card>
  );
}

function GenerateTokenModal({
  opened,
  tenantId,
  onClose,
  onGenerated,
}: {
  opened: boolean;
  tenantId: string;
  onClose: () => void;
  onGenerated: () => void;
}) {
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string>();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const close = () => {
    setName('');
    setSecret(undefined);
    setError(undefined);
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(undefined);
    try {
      const { rotateScimToken } = await request(
        RotateScimTokenDocument,
        { name: name.trim() || null },
        { tenantId },
      );
      setSecret(rotateScimToken.scimToken);
      onGenerated();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setPending(false);
    }
  };
  return (
    <Modal
      opened={opened}
      onClose={close}
      title="Generate token"
      size="lg"
      withCloseButton={false}
      closeOnClickOutside={!secret}
    >
      {secret ? (
        <Stack>
          <CopyField label="New secret token" value={secret} />
          <Alert color="yellow" title="Shown once">
            Copy it now and paste it into Entra as Secret Token, then select Test Connection and Save. It is
            stored hashed and cannot be shown again. The older tokens keep working until you revoke them.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <Text size="sm">
              A new token works alongside the current ones, so Entra is not interrupted while you switch it
              over.
            </Text>
            <TextInput
              label="Token name"
              description="Optional, e.g. “Entra 2026”."
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              data-autofocus
            />
            {error ? (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            ) : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={pending}>
                Generate token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function RevokeModal({
  token,
  tenantId,
  onClose,
  onRevoked,
}: {
  token: Token | undefined;
  tenantId: string;
  onClose: () => void;
  onRevoked: () => void;
}) {
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  useEffect(() => setError(undefined), [token]);
  const revoke = async () => {
    if (!token) return;
    setPending(true);
    try {
      await request(RevokeScimTokenDocument, { id: token.id }, { tenantId });
      onRevoked();
      onClose();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setPending(false);
    }
  };
  return (
    <Modal opened={!!token} onClose={onClose} title="Revoke token?" withCloseButton={false}>
      <Stack>
        <Text size="sm">
          Entra requests with the token <b>{token?.name}</b> (<code>{token?.prefix}…</code>) are refused at
          once. Make sure Entra already uses a newer token.
        </Text>
        {error ? (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" onClick={revoke} loading={pending}>
            Revoke
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export default function ProvisioningPage() {
  const tenantId = useTenantId();
  // Refreshed now and then for the tokens' "Last used" (recorded at most once a minute).
  const { data, error, loading, refetch } = useQuery(
    ProvisioningSettingsDocument,
    {},
    { tenantId, pollMs: 30000 },
  );
  const [generating, setGenerating] = useState(false);
  const [revoking, setRevoking] = useState<Token>();
  useEffect(() => {
    document.title = 'Provisioning · CheckProof Directory';
  }, []);

  if (loading) return <Loading />;
  if (!data) return error ? <ErrorAlert error={error} /> : null;
  const tokens = data.provisioning.tokens;
  return (
    <Stack gap="lg" maw={1100}>
      <nav aria-label="Breadcrumb">
        <Breadcrumbs separator="›">
          <Text size="sm" c="dimmed">
            Settings
          </Text>
          <Text size="sm" c="dimmed">
            Company Settings
          </Text>
          <Text size="sm" aria-current="page">
            Provisioning
          </Text>
        </Breadcrumbs>
      </nav>
      <Title order={1}>Provisioning</Title>
      <Text>
        Microsoft Entra ID creates, updates, disables and deletes your people and groups here on its own. Give
        it the Provisioning URL and a secret token (Entra calls them Tenant URL and Secret Token).
      </Text>
      <ConnectionCard tenantId={tenantId} />
      <CopyField label="Provisioning URL" value={data.provisioning.scimUrl} />

      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2}>Secret Tokens</Title>
          <Button onClick={() => setGenerating(true)}>Generate token</Button>
        </Group>
        {error ? <ErrorAlert error={error} /> : null}
        {tokens.length === 0 ? (
          <Empty>No active token: Entra cannot connect. Generate one.</Empty>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Name</Table.Th>
                  <Table.Th scope="col">Prefix</Table.Th>
                  <Table.Th scope="col">Created</Table.Th>
                  <Table.Th scope="col">Last used</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                  <Table.Th scope="col">Action</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tokens.map((t) => (
                  <Table.Tr key={t.id}>
                    <Table.Td>{t.name}</Table.Td>
                    <Table.Td>
                      <code>{t.prefix}…</code>
                    </Table.Td>
                    <Table.Td>{dateTime(t.createdAt)}</Table.Td>
                    <Table.Td>{t.lastUsedAt ? ago(t.lastUsedAt) : 'never'}</Table.Td>
                    <Table.Td>
                      {t.revokedAt ? (
                        <Badge color="gray">Revoked</Badge>
                      ) : (
                        <Badge color="green" variant="light">
                          Active
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {t.revokedAt ? null : (
                        <Button size="xs" color="red" variant="light" onClick={() => setRevoking(t)}>
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>

      <EntraGuide />

      <GenerateTokenModal
        opened={generating}
        tenantId={tenantId}
        onClose={() => setGenerating(false)}
        onGenerated={refetch}
      />
      <RevokeModal
        token={revoking}
        tenantId={tenantId}
        onClose={() => setRevoking(undefined)}
        onRevoked={refetch}
      />
    </Stack>
  );
}
