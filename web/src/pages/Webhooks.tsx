import { Anchor, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Empty, ErrorAlert, Loading } from '../components/States';
import {
  EndpointFormModal,
  EndpointStatusBadge,
  eventTypesText,
  lastDelivery,
  statusDetail,
} from '../components/Webhooks';
import { ago } from '../format';
import { WebhookEndpointsDocument } from '../gql/graphql';
import { useTenantId } from '../tenant';
import { useQuery } from '../useQuery';

/** A tenant's webhook endpoints (at most 20, so one list), with status and last delivery. */
export default function WebhooksPage() {
  const tenantId = useTenantId();
  const navigate = useNavigate();
  // Refreshed now and then: status and last delivery change as the dispatcher works.
  const { data, error, loading, refetch } = useQuery(
    WebhookEndpointsDocument,
    {},
    { tenantId, pollMs: 15000 },
  );
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<string>();
  useEffect(() => {
    document.title = 'Webhooks · CheckProof Directory';
  }, []);
  const endpoints = data?.webhookEndpoints ?? [];

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1}>Webhooks</Title>
        <Button onClick={() => setAdding(true)}>Add endpoint</Button>
      </Group>
      <Text>
        CheckProof sends your directory’s changes (people and groups created, updated, disabled, deleted,
        memberships, roles) to these URLs as they happen, signed per the Standard Webhooks spec and retried
        for about 3 days. Events of the same person or group arrive in the order they happened.
      </Text>
      {error ? <ErrorAlert error={error} /> : null}
      {loading ? (
        <Loading label="Loading endpoints…" />
      ) : !data ? null : endpoints.length === 0 ? (
        <Empty>No endpoints yet. Add one to receive your directory’s changes as they happen.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">URL</Table.Th>
                <Table.Th scope="col">Description</Table.Th>
                <Table.Th scope="col">Event types</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">Last delivery</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {endpoints.map((e) => {
                const last = lastDelivery(e);
                return (
                  <Table.Tr key={e.id}>
                    <Table.Td style={{ wordBreak: 'break-all' }}>
                      <Anchor component={Link} to={`/t/${tenantId}/webhooks/${e.id}`}>
                        {e.url}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{e.description}</Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2} title={eventTypesText(e.eventTypes)}>
                        {eventTypesText(e.eventTypes)}
                      </Text>
                    </Table.Td>
                    <Table.Td title={statusDetail(e)}>
                      <EndpointStatusBadge endpoint={e} />
                    </Table.Td>
                    <Table.Td title={last?.at}>
                      {last ? `${last.ok ? 'Delivered' : 'Failed'} ${ago(last.at)}` : 'None yet'}
                      {e.pendingDeliveries > 0 ? (
                        <Text size="xs" c="dimmed">
                          {e.pendingDeliveries.toLocaleString()} waiting
                        </Text>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <EndpointFormModal
        opened={adding}
        tenantId={tenantId}
        onClose={() => {
          setAdding(false);
          // Straight to the new endpoint's page: its delivery log and "Send test event".
          if (added) navigate(`/t/${tenantId}/webhooks/${added}`);
          setAdded(undefined);
        }}
        onSaved={(endpoint) => {
          setAdded(endpoint.id);
          refetch();
        }}
      />
    </Stack>
  );
}
