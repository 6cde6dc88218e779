import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  Modal,
  NumberInput,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useSearchText } from '../useSearchText';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError, request } from '../api';
import { Pager, usePager } from '../components/Pager';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { actorLabel, ago, dateTime, localInputValue, plural } from '../format';
import {
  DeletedGroupsDocument,
  DeletedUsersDocument,
  MassDeprovisioningAlertDocument,
  RestoreGroupDocument,
  RestoreUserDocument,
  RestoreUsersDocument,
  SetMassDeprovisioningAlertDocument,
  type RestoreUsersMutation,
} from '../gql/graphql';
import { useTenantId } from '../tenant';
import { useQuery } from '../useQuery';

const PAGE = 50;

/** What a Restore button restores. */
interface Target {
  kind: 'user' | 'group';
  id: string;
  name: string;
  /** What comes back with it, in words. */
  detail: string;
}

interface Restored {
  kind: 'user' | 'group';
  id: string;
  name: string;
}

function RestoreModal({
  target,
  tenantId,
  onClose,
  onRestored,
}: {
  target: Target | undefined;
  tenantId: string;
  onClose: () => void;
  onRestored: (restored: Restored) => void;
}) {
  const [error, setError] = useState<ApiError | Error>();
  const [pending, setPending] = useState(false);
  useEffect(() => setError(undefined), [target]);
  const restore = async () => {
    if (!target) return;
    setPending(true);
    setError(undefined);
    try {
      if (target.kind === 'user') await request(RestoreUserDocument, { id: target.id }, { tenantId });
      else await request(RestoreGroupDocument, { id: target.id }, { tenantId });
      onRestored({ kind: target.kind, id: target.id, name: target.name });
      onClose();
    } catch (err) {
      setError(err as Error);
    } finally {
      setPending(false);
    }
  };
  const taken =
    error instanceof ApiError && (error.code === 'USER_NAME_TAKEN' || error.code === 'GROUP_NAME_TAKEN');
  const holder =
    taken && typeof error.extensions.conflictingId === 'string' ? error.extensions.conflictingId : null;
  return (
    <Modal
      opened={!!target}
      onClose={onClose}
      title={target?.kind === 'group' ? 'Restore group?' : 'Restore user?'}
      withCloseButton={false}
    >
      {target ? (
        <Stack>
          <Text size="sm">
            <b>{target.name}</b> comes back with the same id, {target.detail}
          </Text>
          {error ? (
            <Alert
              color="red"
              role="alert"
              title={
                taken ? (target.kind === 'user' ? 'The userName is taken' : 'The name is taken') : undefined
              }
            >
              <Stack gap={4}>
                <Text size="sm">{error.message}</Text>
                {holder ? (
                  <Anchor component={Link} to={`/t/${tenantId}/${target.kind}s/${holder}`} size="sm">
                    Open the {target.kind} holding it
                  </Anchor>
                ) : null}
              </Stack>
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button onClick={restore} loading={pending}>
              Restore
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}

function SearchBox({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <TextInput
      label={label}
      placeholder="Starts with…"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      w={320}
    />
  );
}

function DeletedUsers({
  tenantId,
  version,
  onRestore,
}: {
  tenantId: string;
  version: number;
  onRestore: (t: Target) => void;
}) {
  const { search, setSearch, debounced } = useSearchText();
  const pager = usePager(`${debounced}|${version}`);
  const { data, error, loading, refetch } = useQuery(
    DeletedUsersDocument,
    { first: PAGE, after: pager.after, search: debounced || null },
    { tenantId },
  );
  useEffect(() => {
    if (version > 0) refetch();
  }, [version, refetch]);
  const conn = data?.deletedUsers;
  const users = conn?.edges.map((e) => e.node) ?? [];
  return (
    <Stack gap="sm" pt="sm">
      <SearchBox label="Search deleted users" value={search} onChange={setSearch} />
      {error ? <ErrorAlert error={error} /> : null}
      {loading ? (
        <Loading label="Loading deleted users…" />
      ) : !conn ? null : users.length === 0 ? (
        <Empty>{debounced ? 'No deleted users match.' : 'No users were deleted recently.'}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">userName</Table.Th>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Was</Table.Th>
                <Table.Th scope="col">Roles and groups</Table.Th>
                <Table.Th scope="col">Deleted</Table.Th>
                <Table.Th scope="col">By</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>{u.userName}</Table.Td>
                  <Table.Td>{u.displayName ?? ''}</Table.Td>
                  <Table.Td>
                    {u.active ? (
                      <Badge color="green" variant="light">
                        Active
                      </Badge>
                    ) : (
                      <Badge color="gray">Disabled</Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {plural(u.roles.length, 'role')}, {plural(u.groupCount, 'group')}
                  </Table.Td>
                  <Table.Td title={u.deletedAt}>{dateTime(u.deletedAt)}</Table.Td>
                  <Table.Td title={u.deletedBy}>{actorLabel(u.deletedBy)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="light"
                      aria-label={`Restore ${u.userName}`}
                      onClick={() =>
                        onRestore({
                          kind: 'user',
                          id: u.id,
                          name: u.userName,
                          detail: `${u.active ? 'active' : 'disabled'} as it was, with its ${plural(u.roles.length, 'role')} and its memberships of the groups that still exist (${plural(u.groupCount, 'group')} when deleted).`,
                        })
                      }
                    >
                      Restore
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {conn && users.length > 0 ? (
        <Pager
          page={pager.page}
          pageSize={PAGE}
          shown={users.length}
          total={conn.totalCount}
          hasNextPage={conn.pageInfo.hasNextPage}
          onNext={() => pager.next(conn.pageInfo.endCursor)}
          onPrevious={pager.previous}
          noun="deleted users"
        />
      ) : null}
    </Stack>
  );
}

function DeletedGroups({
  tenantId,
  version,
  onRestore,
}: {
  tenantId: string;
  version: number;
  onRestore: (t: Target) => void;
}) {
  const { search, setSearch, debounced } = useSearchText();
  const pager = usePager(`${debounced}|${version}`);
  const { data, error, loading, refetch } = useQuery(
    DeletedGroupsDocument,
    { first: PAGE, after: pager.after, search: debounced || null },
    { tenantId },
  );
  useEffect(() => {
    if (version > 0) refetch();
  }, [version, refetch]);
  const conn = data?.deletedGroups;
  const groups = conn?.edges.map((e) => e.node) ?? [];
  return (
    <Stack gap="sm" pt="sm">
      <SearchBox label="Search deleted groups" value={search} onChange={setSearch} />
      {error ? <ErrorAlert error={error} /> : null}
      {loading ? (
        <Loading label="Loading deleted groups…" />
      ) : !conn ? null : groups.length === 0 ? (
        <Empty>{debounced ? 'No deleted groups match.' : 'No groups were deleted recently.'}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col" ta="right">
                  Members
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  In groups
                </Table.Th>
                <Table.Th scope="col">Deleted</Table.Th>
                <Table.Th scope="col">By</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {groups.map((g) => (
                <Table.Tr key={g.id}>
                  <Table.Td>{g.displayName}</Table.Td>
                  <Table.Td ta="right">{g.memberCount.toLocaleString()}</Table.Td>
                  <Table.Td ta="right">{g.parentCount.toLocaleString()}</Table.Td>
                  <Table.Td title={g.deletedAt}>{dateTime(g.deletedAt)}</Table.Td>
                  <Table.Td title={g.deletedBy}>{actorLabel(g.deletedBy)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="light"
                      aria-label={`Restore ${g.displayName}`}
                      onClick={() =>
                        onRestore({
                          kind: 'group',
                          id: g.id,
                          name: g.displayName,
                          detail: `with its members that still exist (${plural(g.memberCount, 'direct member')} when deleted) and its place in the groups that still exist.`,
                        })
                      }
                    >
                      Restore
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {conn && groups.length > 0 ? (
        <Pager
          page={pager.page}
          pageSize={PAGE}
          shown={groups.length}
          total={conn.totalCount}
          hasNextPage={conn.pageInfo.hasNextPage}
          onNext={() => pager.next(conn.pageInfo.endCursor)}
          onPrevious={pager.previous}
          noun="deleted groups"
        />
      ) : null}
    </Stack>
  );
}

/** The thresholds of the mass-deprovisioning alert. */
function AlertSettings({ tenantId }: { tenantId: string }) {
  const { data, error, loading } = useQuery(MassDeprovisioningAlertDocument, {}, { tenantId });
  const [percent, setPercent] = useState<string | number>('');
  const [minUsers, setMinUsers] = useState<string | number>('');
  const [saved, setSaved] = useState<{ ok: boolean; text: string }>();
  const [pending, setPending] = useState(false);
  const settings = data?.massDeprovisioningAlert;
  useEffect(() => {
    if (!settings) return;
    setPercent(settings.percent);
    setMinUsers(settings.minUsers);
  }, [settings]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(undefined);
    const p = Number(percent);
    const m = Number(minUsers);
    if (!(p > 0 && p <= 100) || !(Number.isInteger(m) && m >= 1)) {
      setSaved({
        ok: false,
        text: 'The percentage must be more than 0 and at most 100; the count at least 1.',
      });
      return;
    }
    setPending(true);
    try {
      const { setMassDeprovisioningAlert: s } = await request(
        SetMassDeprovisioningAlertDocument,
        { input: { percent: p, minUsers: m } },
        { tenantId },
      );
      setSaved({
        ok: true,
        text: `Saved: alert when more than ${s.percent} % of active users, and at least ${s.minUsers}, are disabled or deleted within an hour.`,
      });
    } catch (err) {
      setSaved({ ok: false, text: (err as Error).message });
    } finally {
      setPending(false);
    }
  };

  if (loading) return <Loading label="Loading the alert’s thresholds…" />;
  if (!settings) return error ? <ErrorAlert error={error} /> : null;
  return (
    <form onSubmit={save} noValidate>
      <Stack gap="sm">
        <Group align="flex-end">
          <NumberInput
            label="Percent of active users"
            description="More than this share…"
            value={percent}
            onChange={setPercent}
            min={0.01}
            max={100}
            decimalScale={2}
            w={240}
          />
          <NumberInput
            label="And at least this many users"
            description="…and at least this many"
            value={minUsers}
            onChange={setMinUsers}
            min={1}
            allowDecimal={false}
            w={240}
          />
          <Button type="submit" loading={pending}>
            Save thresholds
          </Button>
        </Group>
        <Text size="sm" c="dimmed">
          {settings.lastAlertAt
            ? `Last alert: ${dateTime(settings.lastAlertAt)} (${ago(settings.lastAlertAt)}).`
            : 'The alert has not fired.'}
        </Text>
        <div role="status" aria-live="polite">
          {saved ? (
            <Alert color={saved.ok ? 'green' : 'red'} variant="light">
              {saved.text}
            </Alert>
          ) : null}
        </div>
      </Stack>
    </form>
  );
}

/** restoreUsers(since): undo a mass deprovisioning in one go. */
function UndoDeprovisioning({ tenantId, onDone }: { tenantId: string; onDone: () => void }) {
  const [since, setSince] = useState(() => localInputValue(new Date(Date.now() - 3600e3)));
  const [sinceError, setSinceError] = useState<string>();
  const [confirming, setConfirming] = useState<Date>();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<{ since: Date; out: RestoreUsersMutation['restoreUsers'] }>();

  const ask = (e: FormEvent) => {
    e.preventDefault();
    const d = new Date(since);
    if (!since || Number.isNaN(d.getTime())) {
      setSinceError('Enter the date and time the deprovisioning started.');
      return;
    }
    if (d.getTime() > Date.now()) {
      setSinceError('That is in the future; nothing was deprovisioned since then.');
      return;
    }
    setSinceError(undefined);
    setError(undefined);
    setConfirming(d);
  };
  const run = async () => {
    if (!confirming) return;
    setPending(true);
    setError(undefined);
    try {
      const { restoreUsers } = await request(
        RestoreUsersDocument,
        { since: confirming.toISOString() },
        { tenantId },
      );
      setResult({ since: confirming, out: restoreUsers });
      setConfirming(undefined);
      onDone();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setPending(false);
    }
  };

  return (
    <Stack gap="sm">
      <form onSubmit={ask} noValidate>
        <Group align="flex-end">
          <TextInput
            type="datetime-local"
            label="Deprovisioned since"
            description="Your local time: when the wrong change started (the alert, or Activity’s Disable and Delete requests)."
            value={since}
            onChange={(e) => setSince(e.currentTarget.value)}
            error={sinceError}
            w={360}
          />
          <Button type="submit" variant="light">
            Restore everyone deprovisioned since…
          </Button>
        </Group>
      </form>
      <div role="status" aria-live="polite">
        {result ? (
          <Alert
            color={result.out.conflicts.length > 0 ? 'yellow' : 'green'}
            variant="light"
            title={`Since ${dateTime(result.since.toISOString())}: ${plural(result.out.restored, 'deleted user')} restored, ${plural(result.out.reenabled, 'disabled user')} enabled again`}
          >
            {result.out.conflicts.length > 0 ? (
              <Stack gap={4}>
                <Text size="sm">
                  {plural(result.out.conflicts.length, 'user')} stayed deleted because the userName is taken
                  now; they stay restorable:
                </Text>
                <List size="sm">
                  {result.out.conflicts.map((c) => (
                    <List.Item key={c.id}>
                      <b>{c.name}</b>: {c.message}
                    </List.Item>
                  ))}
                </List>
              </Stack>
            ) : (
              'Nothing was left out.'
            )}
          </Alert>
        ) : null}
      </div>
      <Modal
        opened={!!confirming}
        onClose={() => setConfirming(undefined)}
        title="Restore everyone deprovisioned since then?"
        withCloseButton={false}
      >
        {confirming ? (
          <Stack>
            <Text size="sm">
              Every user deleted at or after <b>{dateTime(confirming.toISOString())}</b> comes back (same id,
              roles and groups), and every user disabled since then and still disabled is enabled again.
            </Text>
            <Text size="sm">
              Fix the cause in Entra first (the scoping filter or assignment), or pause provisioning there:
              its next cycle would otherwise make the same changes again.
            </Text>
            {error ? (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            ) : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(undefined)}>
                Cancel
              </Button>
              <Button onClick={run} loading={pending}>
                Restore and enable
              </Button>
            </Group>
          </Stack>
        ) : null}
      </Modal>
    </Stack>
  );
}

function Section({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <Stack gap="xs">
        <Title order={2} id={id}>
          {title}
        </Title>
        {children}
      </Stack>
    </section>
  );
}

export default function DeletedPage() {
  const tenantId = useTenantId();
  const [tab, setTab] = useState<string | null>('users');
  const [restoring, setRestoring] = useState<Target>();
  const [restored, setRestored] = useState<Restored>();
  // Bumped after a restore, so the lists look again from their first page.
  const [version, setVersion] = useState(0);
  useEffect(() => {
    document.title = 'Recently deleted · CheckProof Directory';
  }, []);

  return (
    <Stack gap="lg">
      <Stack gap="xs">
        <Title order={1}>Recently deleted</Title>
        <Text>
          People and groups deleted (by Entra or through the API) stay restorable here for 30 days, unless
          your CheckProof operator set another retention; then they are gone for good. Restoring brings one
          back with the same id, its roles and its memberships of the groups that still exist.
        </Text>
      </Stack>
      <div role="status" aria-live="polite">
        {restored ? (
          <Alert
            color="green"
            variant="light"
            withCloseButton
            onClose={() => setRestored(undefined)}
            closeButtonLabel="Dismiss"
          >
            Restored {restored.kind} <b>{restored.name}</b>.{' '}
            <Anchor component={Link} to={`/t/${tenantId}/${restored.kind}s/${restored.id}`}>
              Open it
            </Anchor>
          </Alert>
        ) : null}
      </div>
      <Tabs value={tab} onChange={setTab}>
        <Tabs.List aria-label="Deleted">
          <Tabs.Tab value="users">Users</Tabs.Tab>
          <Tabs.Tab value="groups">Groups</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="users">
          <DeletedUsers tenantId={tenantId} version={version} onRestore={setRestoring} />
        </Tabs.Panel>
        <Tabs.Panel value="groups">
          <DeletedGroups tenantId={tenantId} version={version} onRestore={setRestoring} />
        </Tabs.Panel>
      </Tabs>

      <Card withBorder>
        <Section title="Mass-deprovisioning alert" id="mass-heading">
          <Text size="sm">
            One wrong change in Entra (a scoping filter, an unassigned group) can disable or delete thousands
            of people in minutes. When more than the share below of your active users, and at least the count
            below, are disabled or deleted within an hour, CheckProof records a{' '}
            <code>directory.mass_deprovisioning</code> event (sent to webhooks that ask for it) and logs a
            warning. It never refuses Entra’s requests: refusing would make Entra quarantine provisioning.
            Turn on Entra’s own “Prevent accidental deletion” too: it holds such changes before they are sent.
          </Text>
          <AlertSettings tenantId={tenantId} />
          <Title order={3} mt="sm">
            Undo a mass deprovisioning
          </Title>
          <UndoDeprovisioning tenantId={tenantId} onDone={() => setVersion((v) => v + 1)} />
        </Section>
      </Card>

      <RestoreModal
        target={restoring}
        tenantId={tenantId}
        onClose={() => setRestoring(undefined)}
        onRestored={(r) => {
          setRestored(r);
          setVersion((v) => v + 1);
        }}
      />
    </Stack>
  );
}
