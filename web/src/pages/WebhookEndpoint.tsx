import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Drawer,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, request } from '../api';
import { Pager, usePager } from '../components/Pager';
import { Empty, ErrorAlert, Loading } from '../components/States';
import {
  EndpointFormModal,
  EndpointStatusBadge,
  SecretShownOnce,
  eventTypesText,
  statusDetail,
  type Endpoint,
} from '../components/Webhooks';
import { dateTime, timeOfDay } from '../format';
import {
  DeleteWebhookEndpointDocument,
  RedeliverWebhookDocument,
  RotateWebhookSecretDocument,
  SendTestWebhookDocument,
  WebhookDeliveriesDocument,
  WebhookEndpointDocument,
  type WebhookDeliveryFieldsFragment,
  type WebhookDeliveryState,
} from '../gql/graphql';
import { useTenantId } from '../tenant';
import { useQuery } from '../useQuery';

type Delivery = WebhookDeliveryFieldsFragment;

const PAGE = 25;

const STATES: Record<WebhookDeliveryState, { label: string; color: string }> = {
  PENDING: { label: 'Pending', color: 'blue' },
  DELIVERED: { label: 'Delivered', color: 'green' },
  FAILED: { label: 'Failed', color: 'red' },
  CANCELLED: { label: 'Cancelled', color: 'gray' },
};

function StateBadge({ state }: { state: WebhookDeliveryState }) {
  const s = STATES[state];
  return (
    <Badge color={s.color} variant="light">
      {s.label}
    </Badge>
  );
}

function HttpStatus({ status }: { status: number | null | undefined }) {
  if (status === null || status === undefined)
    return (
      <Text span c="dimmed" size="sm">
        —
      </Text>
    );
  return (
    <Badge color={status >= 200 && status < 300 ? 'green' : status >= 500 ? 'red' : 'orange'} variant="light">
      {status}
    </Badge>
  );
}

/** "User:9d7e…" → "User 9d7e…" (shortened id; the full key is in the title). */
function subjectText(key: string): string {
  const [type = key, id = ''] = key.split(':');
  return id ? `${type} ${id.length > 13 ? `${id.slice(0, 8)}…` : id}` : type;
}

function latencyOf(d: Delivery): string {
  const last = d.attempts[d.attempts.length - 1];
  return last ? `${last.latencyMs.toLocaleString()} ms` : '—';
}

function DeliveryDrawer({
  delivery,
  tenantId,
  onClose,
  onRedelivered,
}: {
  delivery: Delivery | undefined;
  tenantId: string;
  onClose: () => void;
  onRedelivered: () => void;
}) {
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  const id = delivery?.id;
  useEffect(() => setResult(undefined), [id]);
  const redeliver = async () => {
    if (!delivery) return;
    setPending(true);
    try {
      const { redeliverWebhook } = await request(
        RedeliverWebhookDocument,
        { deliveryId: delivery.id },
        { tenantId },
      );
      setResult({
        ok: true,
        text: `Queued again as delivery ${redeliverWebhook.id}, with the same webhook-id. It appears at the top of the log.`,
      });
      onRedelivered();
    } catch (err) {
      setResult({ ok: false, text: (err as Error).message });
    } finally {
      setPending(false);
    }
  };
  return (
    <Drawer
      opened={!!delivery}
      onClose={onClose}
      position="right"
      size="xl"
      title="Delivery details"
      closeButtonProps={{ 'aria-label': 'Close delivery details' }}
    >
      {delivery ? (
        <Stack gap="sm">
          <Group gap="sm">
            <Code>{delivery.eventType}</Code>
            <StateBadge state={delivery.state} />
          </Group>
          <Table withRowBorders={false} verticalSpacing={2}>
            <Table.Tbody>
              {(
                [
                  ['Subject', delivery.subjectKey],
                  ['webhook-id', delivery.messageId],
                  ['Delivery', delivery.id],
                  ['Queued', dateTime(delivery.createdAt)],
                  ['Finished', delivery.finishedAt ? dateTime(delivery.finishedAt) : '—'],
                  ...(delivery.nextAttemptAt && delivery.state === 'PENDING'
                    ? [['Next attempt', dateTime(delivery.nextAttemptAt)]]
                    : []),
                  ...(delivery.redeliveryOf ? [['Redelivery of', `delivery ${delivery.redeliveryOf}`]] : []),
                ] as Array<[string, string]>
              ).map(([label, value]) => (
                <Table.Tr key={label}>
                  <Table.Th scope="row" w={140} fw={500} c="dimmed">
                    {label}
                  </Table.Th>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{value}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group>
            <Button onClick={redeliver} loading={pending} variant="light">
              Redeliver
            </Button>
            <Text size="sm" c="dimmed">
              Sends the event again, behind any deliveries of its subject still waiting.
            </Text>
          </Group>
          <div role="status" aria-live="polite">
            {result ? (
              <Alert color={result.ok ? 'green' : 'red'} variant="light">
                {result.text}
              </Alert>
            ) : null}
          </div>
          <Title order={3}>Attempts ({delivery.attempts.length})</Title>
          {delivery.attempts.length === 0 ? (
            <Empty>{delivery.state === 'PENDING' ? 'Not attempted yet.' : 'No attempt was made.'}</Empty>
          ) : (
            delivery.attempts.map((a, i) => (
              <Stack key={a.id} gap={4}>
                <Text size="sm" fw={600}>
                  Attempt {i + 1} · {dateTime(a.attemptedAt)}
                </Text>
                <Group gap="sm">
                  <HttpStatus status={a.status} />
                  <Text size="sm">{a.latencyMs.toLocaleString()} ms</Text>
                  {a.error ? (
                    <Text size="sm" c="red">
                      {a.error}
                    </Text>
                  ) : null}
                </Group>
                {a.responseExcerpt ? (
                  // Focusable, so a keyboard can scroll a long excerpt (axe: scrollable-region-focusable).
                  <Code block tabIndex={0} role="region" aria-label={`Response of attempt ${i + 1}`}>
                    {a.responseExcerpt}
                  </Code>
                ) : null}
              </Stack>
            ))
          )}
        </Stack>
      ) : null}
    </Drawer>
  );
}

function RotateModal({
  endpoint,
  opened,
  tenantId,
  onClose,
  onRotated,
}: {
  endpoint: Endpoint;
  opened: boolean;
  tenantId: string;
  onClose: () => void;
  onRotated: () => void;
}) {
  const [overlap, setOverlap] = useState('24');
  const [secret, setSecret] = useState<string>();
  const [until, setUntil] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const close = () => {
    setSecret(undefined);
    setError(undefined);
    setOverlap('24');
    onClose();
  };
  const rotate = async () => {
    setPending(true);
    setError(undefined);
    try {
      const { rotateWebhookSecret } = await request(
        RotateWebhookSecretDocument,
        { id: endpoint.id, overlapHours: Number(overlap) },
        { tenantId },
      );
      setSecret(rotateWebhookSecret.secret);
      setUntil(rotateWebhookSecret.endpoint.previousSecretUntil ?? null);
      onRotated();
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
      title={secret ? 'New signing secret' : 'Rotate signing secret?'}
      size="lg"
      withCloseButton={false}
      closeOnClickOutside={!secret}
    >
      {secret ? (
        <Stack>
          <SecretShownOnce
            secret={secret}
            note={
              until
                ? `The old secret keeps working until ${dateTime(until)}: until then each request carries both signatures, so switch your receiver over before that.`
                : 'The old secret no longer signs: requests carry the new signature only.'
            }
          />
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <Text size="sm">
            A new secret signs every request from now on. During the overlap the old one signs too (both
            signatures are sent), so your receiver keeps accepting requests while you update it.
          </Text>
          <Select
            label="Keep the old secret working for"
            data={[
              { value: '0', label: 'No overlap (stop it now)' },
              { value: '1', label: '1 hour' },
              { value: '24', label: '24 hours' },
              { value: '72', label: '3 days' },
              { value: '168', label: '7 days' },
            ]}
            value={overlap}
            onChange={(v) => setOverlap(v ?? '24')}
            allowDeselect={false}
            w={260}
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
            <Button onClick={rotate} loading={pending}>
              Rotate secret
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function DeleteModal({
  endpoint,
  opened,
  tenantId,
  onClose,
  onDeleted,
}: {
  endpoint: Endpoint;
  opened: boolean;
  tenantId: string;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const remove = async () => {
    setPending(true);
    setError(undefined);
    try {
      await request(DeleteWebhookEndpointDocument, { id: endpoint.id }, { tenantId });
      onDeleted();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setPending(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Delete endpoint?" withCloseButton={false}>
      <Stack>
        <Text size="sm" style={{ wordBreak: 'break-all' }}>
          <b>{endpoint.url}</b> stops receiving events at once, its waiting deliveries are dropped and its
          delivery log is deleted. This cannot be undone.
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
          <Button color="red" onClick={remove} loading={pending}>
            Delete endpoint
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function Deliveries({
  endpointId,
  tenantId,
  version,
  onChanged,
}: {
  endpointId: string;
  tenantId: string;
  version: number;
  /** Told when a delivery appears or changes state (the endpoint's status follows). */
  onChanged: () => void;
}) {
  const [state, setState] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string>();
  const pager = usePager(state ?? '');
  // The first page follows the dispatcher's work; older pages stay still under the cursor.
  const { data, error, loading, refetch } = useQuery(
    WebhookDeliveriesDocument,
    {
      endpointId,
      first: PAGE,
      after: pager.after,
      state: (state as WebhookDeliveryState | null) ?? null,
    },
    { tenantId, pollMs: pager.page === 1 ? 3000 : undefined },
  );
  // A test event or a redelivery made elsewhere on the page: look at once.
  const seen = useRef(version);
  useEffect(() => {
    if (seen.current !== version) refetch();
    seen.current = version;
  }, [version, refetch]);
  const conn = data?.webhookDeliveries;
  const deliveries = conn?.edges.map((e) => e.node) ?? [];
  const fingerprint = deliveries.map((d) => `${d.id}:${d.state}`).join();
  const lastFingerprint = useRef(fingerprint);
  useEffect(() => {
    if (conn && lastFingerprint.current !== fingerprint) onChanged();
    lastFingerprint.current = fingerprint;
  }, [conn, fingerprint, onChanged]);
  // The drawer shows the row as last polled; it keeps the last copy when the row leaves the page.
  const lastOpen = useRef<Delivery | undefined>(undefined);
  const found = openId ? deliveries.find((d) => d.id === openId) : undefined;
  if (found) lastOpen.current = found;
  const open = openId
    ? (found ?? (lastOpen.current?.id === openId ? lastOpen.current : undefined))
    : undefined;

  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Delivery log</Title>
        <Select
          label="State"
          placeholder="Any"
          clearable
          data={Object.entries(STATES).map(([value, s]) => ({ value, label: s.label }))}
          value={state}
          onChange={setState}
          w={160}
        />
      </Group>
      {error ? <ErrorAlert error={error} /> : null}
      {loading ? (
        <Loading label="Loading deliveries…" />
      ) : !conn ? null : deliveries.length === 0 ? (
        <Empty>
          {state
            ? 'No deliveries in this state.'
            : 'No deliveries yet. Events committed from now on appear here; send a test event to try the endpoint.'}
        </Empty>
      ) : (
        <Table.ScrollContainer minWidth={880}>
          <Table highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Time</Table.Th>
                <Table.Th scope="col">Event type</Table.Th>
                <Table.Th scope="col">Subject</Table.Th>
                <Table.Th scope="col">State</Table.Th>
                <Table.Th scope="col" ta="right">
                  Attempts
                </Table.Th>
                <Table.Th scope="col">Last status</Table.Th>
                <Table.Th scope="col" ta="right">
                  Latency
                </Table.Th>
                <Table.Th scope="col">Details</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {deliveries.map((d) => (
                <Table.Tr key={d.id} onClick={() => setOpenId(d.id)} style={{ cursor: 'pointer' }}>
                  <Table.Td title={d.createdAt}>{timeOfDay(d.createdAt)}</Table.Td>
                  <Table.Td>
                    <Code>{d.eventType}</Code>
                  </Table.Td>
                  <Table.Td title={d.subjectKey}>{subjectText(d.subjectKey)}</Table.Td>
                  <Table.Td>
                    <StateBadge state={d.state} />
                  </Table.Td>
                  <Table.Td ta="right">{d.attemptCount}</Table.Td>
                  <Table.Td>
                    <HttpStatus status={d.lastStatus} />
                  </Table.Td>
                  <Table.Td ta="right">{latencyOf(d)}</Table.Td>
                  <Table.Td>
                    <UnstyledButton
                      aria-label={`Show delivery ${d.id}: ${d.eventType} at ${timeOfDay(d.createdAt)}`}
                      onClick={(ev) => {
                        ev.stopPropagation();
                        setOpenId(d.id);
                      }}
                      c="var(--mantine-primary-color-filled)"
                      fz="sm"
                    >
                      Show
                    </UnstyledButton>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {conn ? (
        <Pager
          page={pager.page}
          pageSize={PAGE}
          shown={deliveries.length}
          total={conn.totalCount}
          hasNextPage={conn.pageInfo.hasNextPage}
          onNext={() => pager.next(conn.pageInfo.endCursor)}
          onPrevious={pager.previous}
          noun="deliveries"
        />
      ) : null}
      <DeliveryDrawer
        delivery={open}
        tenantId={tenantId}
        onClose={() => setOpenId(undefined)}
        onRedelivered={refetch}
      />
    </Stack>
  );
}

export default function WebhookEndpointPage() {
  const tenantId = useTenantId();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { data, error, loading, refetch } = useQuery(
    WebhookEndpointDocument,
    { id },
    { tenantId, pollMs: 10000 },
  );
  const endpoint = data?.webhookEndpoint;
  const [editing, setEditing] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [testPending, setTestPending] = useState(false);
  const [testResult, setTestResult] = useState<{ ok: boolean; text: string }>();
  // Bumped when this page queues a delivery, so the log looks at once.
  const [version, setVersion] = useState(0);
  useEffect(() => {
    document.title = 'Webhook endpoint · CheckProof Directory';
  }, []);

  const sendTest = async () => {
    setTestPending(true);
    setTestResult(undefined);
    try {
      const { sendTestWebhook } = await request(SendTestWebhookDocument, { endpointId: id }, { tenantId });
      setTestResult({
        ok: true,
        text: `Test event queued (delivery ${sendTestWebhook.id}); it is tried once and shows in the log below.`,
      });
      setVersion((v) => v + 1);
    } catch (err) {
      setTestResult({ ok: false, text: (err as Error).message });
    } finally {
      setTestPending(false);
    }
  };

  const back = (
    <Anchor component={Link} to={`/t/${tenantId}/webhooks`} size="sm">
      ‹ All endpoints
    </Anchor>
  );
  if (loading) return <Loading label="Loading the endpoint…" />;
  if (!endpoint) {
    if (error instanceof ApiError && error.code === 'NOT_FOUND')
      return (
        <Stack>
          {back}
          <Title order={1}>Endpoint not found</Title>
          <Text>This tenant has no webhook endpoint with this id; it may have been deleted.</Text>
        </Stack>
      );
    return error ? <ErrorAlert error={error} /> : null;
  }
  return (
    <Stack gap="md">
      {back}
      <Group gap="sm" wrap="nowrap" align="center">
        <Title order={1} style={{ wordBreak: 'break-all' }}>
          {endpoint.url}
        </Title>
        <EndpointStatusBadge endpoint={endpoint} />
      </Group>
      {endpoint.description ? <Text>{endpoint.description}</Text> : null}
      {error ? (
        <Text size="sm" c="red">
          Could not refresh: {error.message}
        </Text>
      ) : null}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Stack gap={4}>
          <Text size="sm">
            <b>Status:</b> {statusDetail(endpoint)}
          </Text>
          <Text size="sm">
            <b>Event types:</b> {eventTypesText(endpoint.eventTypes)}
          </Text>
          <Text size="sm">
            <b>Waiting deliveries:</b> {endpoint.pendingDeliveries.toLocaleString()}
          </Text>
        </Stack>
        <Stack gap={4}>
          <Text size="sm">
            <b>Added:</b> {dateTime(endpoint.createdAt)}
          </Text>
          {endpoint.previousSecretUntil && new Date(endpoint.previousSecretUntil).getTime() > Date.now() ? (
            <Text size="sm">
              <b>Secret rotation:</b> the previous secret signs too until{' '}
              {dateTime(endpoint.previousSecretUntil)}.
            </Text>
          ) : null}
        </Stack>
      </SimpleGrid>
      <Group gap="sm">
        <Button onClick={sendTest} loading={testPending} disabled={!endpoint.enabled}>
          Send test event
        </Button>
        <Button variant="default" onClick={() => setEditing(true)}>
          Edit
        </Button>
        <Button variant="default" onClick={() => setRotating(true)}>
          Rotate secret
        </Button>
        <Button variant="light" color="red" onClick={() => setDeleting(true)}>
          Delete
        </Button>
      </Group>
      <div role="status" aria-live="polite">
        {testResult ? (
          <Alert color={testResult.ok ? 'green' : 'red'} variant="light">
            {testResult.text}
          </Alert>
        ) : null}
      </div>

      <Deliveries endpointId={endpoint.id} tenantId={tenantId} version={version} onChanged={refetch} />

      <EndpointFormModal
        opened={editing}
        endpoint={endpoint}
        tenantId={tenantId}
        onClose={() => setEditing(false)}
        onSaved={refetch}
      />
      <RotateModal
        endpoint={endpoint}
        opened={rotating}
        tenantId={tenantId}
        onClose={() => setRotating(false)}
        onRotated={refetch}
      />
      <DeleteModal
        endpoint={endpoint}
        opened={deleting}
        tenantId={tenantId}
        onClose={() => setDeleting(false)}
        onDeleted={() => navigate(`/t/${tenantId}/webhooks`, { replace: true })}
      />
    </Stack>
  );
}
