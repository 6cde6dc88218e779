import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useSearchText } from '../useSearchText';
import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { request } from '../api';
import { CopyField } from '../components/CopyField';
import { Pager, usePager } from '../components/Pager';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { dateTime, ago } from '../format';
import {
  CreateSetupLinkDocument,
  CreateTenantDocument,
  SignOutDocument,
  TenantsDocument,
  type CreateTenantMutation,
  type TenantsQuery,
} from '../gql/graphql';
import { useSession } from '../session';
import { useQuery } from '../useQuery';
import { TenantActions } from './TenantActions';

type Tenant = TenantsQuery['tenantsConnection']['edges'][number]['node'];

const PAGE = 50;

const HEALTH_COLORS: Record<Tenant['health'], string> = {
  HEALTHY: 'green',
  WARNING: 'yellow',
  FAILING: 'red',
  IDLE: 'gray',
};
const HEALTH_LABELS: Record<Tenant['health'], string> = {
  HEALTHY: 'Healthy',
  WARNING: 'Warning',
  FAILING: 'Failing',
  IDLE: 'Idle',
};

/** "Contoso Ltd." → "contoso-ltd" (the slug createTenant needs; editable). */
function slugOf(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

function CreateTenantModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: () => void;
}) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const [created, setCreated] = useState<CreateTenantMutation['createTenant']>();

  const reset = () => {
    setName('');
    setSlug('');
    setSlugTouched(false);
    setError(undefined);
    setCreated(undefined);
  };
  const close = () => {
    onClose();
    reset();
  };
  const effectiveSlug = slugTouched ? slug : slugOf(name);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setPending(true);
    try {
      const { createTenant } = await request(CreateTenantDocument, {
        input: { name: name.trim(), slug: effectiveSlug },
      });
      setCreated(createTenant);
      onCreated();
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
      title={created ? `Tenant ${created.tenant.name} created` : 'Create tenant'}
      size="lg"
      withCloseButton={false}
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack>
          <Text size="sm">
            Give these to the customer&apos;s IT administrator for Entra ID (Tenant URL and Secret Token), or
            send them a setup link so they can open the console themselves.
          </Text>
          <CopyField label="Provisioning URL" value={created.scimUrl} />
          <CopyField label="Secret token" value={created.scimToken} />
          <Alert color="yellow" title="The token is shown once">
            Copy the secret token now: it is stored hashed and cannot be shown again. You can generate a new
            one on the tenant&apos;s Provisioning page.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput
              label="Name"
              description="The customer company, e.g. Contoso Ltd."
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              data-autofocus
            />
            <TextInput
              label="Slug"
              description="Lower-case letters, digits and hyphens; unique. Made from the name unless you change it."
              required
              value={effectiveSlug}
              onChange={(e) => {
                setSlugTouched(true);
                setSlug(e.currentTarget.value);
              }}
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
              <Button type="submit" loading={pending} disabled={!name.trim() || !effectiveSlug}>
                Create tenant
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function SetupLinkModal({ tenant, onClose }: { tenant: Tenant | undefined; onClose: () => void }) {
  const [link, setLink] = useState<{ url: string; expiresAt: string }>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    setLink(undefined);
    setError(undefined);
    if (!tenant) return;
    let live = true;
    request(CreateSetupLinkDocument, { tenantId: tenant.id }).then(
      (d) => live && setLink(d.createSetupLink),
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, [tenant]);
  return (
    <Modal
      opened={!!tenant}
      onClose={onClose}
      title={`Setup link for ${tenant?.name ?? ''}`}
      size="lg"
      withCloseButton={false}
    >
      <Stack>
        {error ? (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        ) : link ? (
          <>
            <CopyField label="Setup link" value={link.url} />
            <Text size="sm">
              Send it to the tenant&apos;s administrator. It signs them in to this tenant&apos;s console once
              and works until {dateTime(link.expiresAt)}.
            </Text>
          </>
        ) : (
          <Loading label="Creating the setup link…" />
        )}
        <Group justify="flex-end">
          <Button onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export default function TenantsPage() {
  const { search, setSearch, debounced } = useSearchText();
  const pager = usePager(debounced);
  const { data, error, loading, refetch } = useQuery(TenantsDocument, {
    first: PAGE,
    after: pager.after,
    search: debounced || null,
  });
  const conn = data?.tenantsConnection;
  const tenants = conn?.edges.map((e) => e.node) ?? [];
  const { setViewer } = useSession();
  const [creating, setCreating] = useState(false);
  const [linkFor, setLinkFor] = useState<Tenant>();
  useEffect(() => {
    document.title = 'Tenants · CheckProof Directory';
  }, []);

  const signOut = async () => {
    try {
      await request(SignOutDocument, {});
    } finally {
      setViewer(null);
    }
  };

  return (
    <Stack p="lg" component="main" maw={1200} mx="auto">
      <Group justify="space-between">
        <Title order={1}>Tenants</Title>
        <Group>
          <Anchor component={Link} to="/graphql">
            GraphQL IDE
          </Anchor>
          <Button onClick={() => setCreating(true)}>Create tenant</Button>
          <Button variant="default" onClick={signOut}>
            Sign out
          </Button>
        </Group>
      </Group>
      <TextInput
        label="Search tenants"
        placeholder="Name contains or slug starts with…"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        w={320}
      />
      {error ? <ErrorAlert error={error} /> : null}
      {loading ? (
        <Loading label="Loading tenants…" />
      ) : conn && tenants.length === 0 ? (
        <Empty>
          {debounced ? 'No tenants match.' : 'No tenants yet. Create the first one for a customer company.'}
        </Empty>
      ) : conn ? (
        <Table.ScrollContainer minWidth={800}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Slug</Table.Th>
                <Table.Th scope="col" ta="right">
                  Users
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  Groups
                </Table.Th>
                <Table.Th scope="col">Last Entra request</Table.Th>
                <Table.Th scope="col">Health</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tenants.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/t/${t.id}/settings/provisioning`}>
                      {t.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{t.slug}</Table.Td>
                  <Table.Td ta="right">{t.userCount.toLocaleString()}</Table.Td>
                  <Table.Td ta="right">{t.groupCount.toLocaleString()}</Table.Td>
                  <Table.Td title={t.lastRequestAt ?? undefined}>
                    {t.lastRequestAt ? ago(t.lastRequestAt) : 'never'}
                  </Table.Td>
                  <Table.Td>
                    {t.suspendedAt ? (
                      <Badge color="red" variant="filled" title={t.suspendedReason ?? undefined}>
                        Suspended
                      </Badge>
                    ) : (
                      <Badge color={HEALTH_COLORS[t.health]} variant="light">
                        {HEALTH_LABELS[t.health]}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setLinkFor(t)}>
                        Create setup link
                      </Button>
                      <TenantActions tenant={t} onChanged={refetch} />
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      {conn && tenants.length > 0 ? (
        <Pager
          page={pager.page}
          pageSize={PAGE}
          shown={tenants.length}
          total={conn.totalCount}
          hasNextPage={conn.pageInfo.hasNextPage}
          onNext={() => pager.next(conn.pageInfo.endCursor)}
          onPrevious={pager.previous}
          noun="tenants"
        />
      ) : null}
      <CreateTenantModal opened={creating} onClose={() => setCreating(false)} onCreated={refetch} />
      <SetupLinkModal tenant={linkFor} onClose={() => setLinkFor(undefined)} />
    </Stack>
  );
}
