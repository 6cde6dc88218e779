import {
  Badge,
  Code,
  Drawer,
  Group,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useSearchText } from '../useSearchText';
import { useEffect, useMemo, useRef, useState } from 'react';
import { HealthSummary } from '../components/Health';
import { Pager, usePager } from '../components/Pager';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { dateTime, plural, timeOfDay } from '../format';
import {
  ActivityDocument,
  ActivityHealthDocument,
  type ActivityQuery,
  type ProvisioningActivityFilter,
  type ProvisioningOperation,
  type ProvisioningOutcome,
  type ProvisioningResourceType,
} from '../gql/graphql';
import { useTenantId } from '../tenant';
import { useQuery } from '../useQuery';

type Entry = ActivityQuery['provisioningActivity']['edges'][number]['node'];

const PAGE = 50;
const RANGES: Record<string, number | undefined> = {
  '1h': 3600e3,
  '24h': 86400e3,
  '7d': 7 * 86400e3,
  all: undefined,
};

function startOf(range: string): string | null {
  const ms = RANGES[range];
  return ms ? new Date(Date.now() - ms).toISOString() : null;
}

function json(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  return JSON.stringify(value, null, 2);
}

function resourceOf(e: Entry): string {
  const kind = e.resourceType === 'USER' ? 'User' : e.resourceType === 'GROUP' ? 'Group' : '';
  if (e.resourceName) return `${kind} ${e.resourceName}`.trim();
  // The path names the resource type and id; the id says little to a person, the type does.
  return e.path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '…');
}

function StatusBadge({ status }: { status: number }) {
  return (
    <Badge color={status >= 500 ? 'red' : status >= 400 ? 'orange' : 'green'} variant="light">
      {status}
    </Badge>
  );
}

function EntryDrawer({ entry, onClose }: { entry: Entry | undefined; onClose: () => void }) {
  return (
    <Drawer
      opened={!!entry}
      onClose={onClose}
      position="right"
      size="xl"
      title="Request details"
      closeButtonProps={{ 'aria-label': 'Close request details' }}
    >
      {entry ? (
        <Stack gap="sm">
          <Text>
            <b>{entry.method}</b> <Code>{entry.path}</Code> → <StatusBadge status={entry.status} />
          </Text>
          <Text size="sm">
            {dateTime(entry.createdAt)} · {entry.durationMs.toFixed(1)} ms · token {entry.actor ?? 'none'} ·
            request id <Code>{entry.requestId}</Code>
          </Text>
          {entry.errorDetail ? (
            <Text size="sm" c="red">
              Error: {entry.errorDetail}
            </Text>
          ) : null}
          {entry.warnings.map((w) => (
            <Text size="sm" c="orange" key={w}>
              Warning: {w}
            </Text>
          ))}
          <Title order={3}>Request body</Title>
          {/* Focusable, so a keyboard can scroll a long body (axe: scrollable-region-focusable). */}
          <Code block tabIndex={0} role="region" aria-label="Request body">
            {json(entry.requestBody)}
          </Code>
          <Title order={3}>Response body</Title>
          <Code block tabIndex={0} role="region" aria-label="Response body">
            {json(entry.responseBody)}
          </Code>
        </Stack>
      ) : null}
    </Drawer>
  );
}

/** How many rows arrived above the previous newest one in the last refresh (live tail). */
function useNewRows(newestId: string | undefined, entries: Array<{ id: string }>): number {
  const previous = useRef<string | undefined>(undefined);
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (newestId === undefined) {
      previous.current = undefined;
      return;
    }
    if (previous.current !== undefined && previous.current !== newestId) {
      const at = entries.findIndex((e) => e.id === previous.current);
      setCount(at < 0 ? entries.length : at);
    }
    previous.current = newestId;
  }, [newestId, entries]);
  return count;
}

export default function ActivityPage() {
  const tenantId = useTenantId();
  const [range, setRange] = useState('24h');
  const [outcome, setOutcome] = useState<string | null>(null);
  const [operation, setOperation] = useState<string | null>(null);
  const [resourceType, setResourceType] = useState<string | null>(null);
  const { search, setSearch, debounced } = useSearchText();
  const [live, setLive] = useState(false);
  const [open, setOpen] = useState<Entry>();
  // The time range is fixed when chosen (not every poll), so pages do not shift under the cursor.
  const [rangeStart, setRangeStart] = useState<string | null>(() => startOf('24h'));
  const chooseRange = (value: string) => {
    setRange(value);
    setRangeStart(startOf(value));
  };
  useEffect(() => {
    document.title = 'Activity · CheckProof Directory';
  }, []);

  const filter = useMemo<ProvisioningActivityFilter>(
    () => ({
      ...(rangeStart && !live ? { from: rangeStart } : {}),
      ...(outcome ? { outcome: outcome as ProvisioningOutcome } : {}),
      ...(operation ? { operation: operation as ProvisioningOperation } : {}),
      ...(resourceType ? { resourceType: resourceType as ProvisioningResourceType } : {}),
      ...(debounced ? { search: debounced } : {}),
    }),
    [rangeStart, live, outcome, operation, resourceType, debounced],
  );
  const pager = usePager(`${JSON.stringify(filter)}|${live}`);

  const tail = live && pager.page === 1;
  const { data, error, loading } = useQuery(
    ActivityDocument,
    { first: PAGE, after: pager.after, filter },
    { tenantId, pollMs: tail ? 2000 : undefined },
  );
  const health = useQuery(ActivityHealthDocument, {}, { tenantId, pollMs: 10000 });
  const conn = data?.provisioningActivity;
  const entries = conn?.edges.map((e) => e.node) ?? [];
  const fresh = useNewRows(tail ? entries[0]?.id : undefined, entries);

  return (
    <Stack gap="md">
      <Title order={1}>Activity</Title>
      <Text c="dimmed">Every SCIM request Entra sent to this tenant, newest first.</Text>
      <section aria-labelledby="health-heading">
        <Stack gap="xs">
          <Title order={2} id="health-heading">
            Health
          </Title>
          {health.data ? (
            <HealthSummary health={health.data.provisioningHealth} now={Date.now()} />
          ) : health.error ? (
            <ErrorAlert error={health.error} />
          ) : (
            <Loading label="Loading health…" />
          )}
        </Stack>
      </section>
      <Title order={2}>Requests</Title>
      <Group align="flex-end" wrap="wrap">
        <Select
          label="Time range"
          data={[
            { value: '1h', label: 'Last hour' },
            { value: '24h', label: 'Last 24 hours' },
            { value: '7d', label: 'Last 7 days' },
            { value: 'all', label: 'All kept' },
          ]}
          value={range}
          onChange={(v) => chooseRange(v ?? '24h')}
          allowDeselect={false}
          disabled={live}
          w={160}
        />
        <Select
          label="Outcome"
          placeholder="Any"
          clearable
          data={[
            { value: 'SUCCESS', label: 'Succeeded' },
            { value: 'FAILURE', label: 'Failed' },
          ]}
          value={outcome}
          onChange={setOutcome}
          w={140}
        />
        <Select
          label="Operation"
          placeholder="Any"
          clearable
          data={[
            { value: 'CREATE', label: 'Create' },
            { value: 'UPDATE', label: 'Update' },
            { value: 'DISABLE', label: 'Disable' },
            { value: 'DELETE', label: 'Delete' },
            { value: 'READ', label: 'Read' },
          ]}
          value={operation}
          onChange={setOperation}
          w={140}
        />
        <Select
          label="Resource type"
          placeholder="Any"
          clearable
          data={[
            { value: 'USER', label: 'Users' },
            { value: 'GROUP', label: 'Groups' },
          ]}
          value={resourceType}
          onChange={setResourceType}
          w={140}
        />
        <TextInput
          label="Search userName or displayName"
          placeholder="Starts with…"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={260}
        />
        <Switch
          label="Live tail"
          checked={live}
          onChange={(e) => setLive(e.currentTarget.checked)}
          description={live ? 'New requests appear every 2 s' : undefined}
        />
      </Group>
      <Text size="sm" c="dimmed" role="status" aria-live="polite">
        {live ? `Live tail on${fresh > 0 ? `: ${plural(fresh, 'new request')}` : ''}` : ''}
      </Text>
      {error ? <ErrorAlert error={error} /> : null}
      {loading ? (
        <Loading label="Loading requests…" />
      ) : entries.length === 0 ? (
        <Empty>
          No requests match. Entra sends requests during its provisioning cycles (about every 40 minutes).
        </Empty>
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Time</Table.Th>
                <Table.Th scope="col">Method</Table.Th>
                <Table.Th scope="col">Operation</Table.Th>
                <Table.Th scope="col">Resource</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col" ta="right">
                  Duration
                </Table.Th>
                <Table.Th scope="col">Details</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((e) => (
                <Table.Tr key={e.id} onClick={() => setOpen(e)} style={{ cursor: 'pointer' }}>
                  <Table.Td title={e.createdAt}>{timeOfDay(e.createdAt)}</Table.Td>
                  <Table.Td>{e.method}</Table.Td>
                  <Table.Td>{e.operation ? e.operation.toLowerCase() : '—'}</Table.Td>
                  <Table.Td>
                    {resourceOf(e)}
                    {e.warnings.length > 0 ? (
                      <Badge ml="xs" color="yellow" variant="light">
                        {e.warnings.length === 1 ? 'warning' : `${e.warnings.length} warnings`}
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={e.status} />
                  </Table.Td>
                  <Table.Td ta="right">{Math.round(e.durationMs)} ms</Table.Td>
                  <Table.Td>
                    <UnstyledButton
                      aria-label={`Show details of ${e.method} ${resourceOf(e)} at ${timeOfDay(e.createdAt)}`}
                      onClick={(ev) => {
                        ev.stopPropagation();
                        setOpen(e);
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
          shown={entries.length}
          total={conn.totalCount}
          hasNextPage={conn.pageInfo.hasNextPage}
          onNext={() => pager.next(conn.pageInfo.endCursor)}
          onPrevious={pager.previous}
          noun="requests"
        />
      ) : null}
      <EntryDrawer entry={open} onClose={() => setOpen(undefined)} />
    </Stack>
  );
}
