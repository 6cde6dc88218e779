import { Alert, Anchor, AppShell, Burger, Button, Group, NavLink, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { Link, NavLink as RouterNavLink, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { request } from '../api';
import { SkipLink } from '../components/SkipLink';
import { Loading } from '../components/States';
import { SignOutDocument } from '../gql/graphql';
import { homeOf, useSession } from '../session';

const SECTIONS = [
  { to: 'settings/provisioning', label: 'Provisioning' },
  { to: 'activity', label: 'Activity' },
  { to: 'webhooks', label: 'Webhooks' },
  { to: 'users', label: 'Users' },
  { to: 'groups', label: 'Groups' },
  { to: 'roles', label: 'Roles' },
  { to: 'deleted', label: 'Recently deleted' },
];

/** The frame of a tenant's pages: navigation, sign-out, and the page. */
export default function TenantLayout() {
  const { tenantId = '' } = useParams();
  const { viewer, setViewer } = useSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [opened, { toggle, close }] = useDisclosure();

  const signOut = async () => {
    try {
      await request(SignOutDocument, {});
    } finally {
      setViewer(null);
      navigate('/sign-in', { replace: true });
    }
  };

  // A tenant administrator's session works in its own tenant only (the service refuses the
  // others too); say so rather than showing empty pages.
  const foreign = viewer?.kind !== 'OPERATOR' && viewer?.tenantId !== tenantId.toLowerCase();

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <SkipLink />
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Text fw={700}>CheckProof Directory</Text>
          </Group>
          {viewer?.kind === 'OPERATOR' ? (
            <Anchor component={Link} to="/tenants" size="sm">
              All tenants
            </Anchor>
          ) : null}
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Tenant">
        <Stack gap={4} justify="space-between" h="100%">
          <Stack gap={4}>
            {SECTIONS.map((s) => (
              <NavLink
                key={s.to}
                component={RouterNavLink}
                to={`/t/${tenantId}/${s.to}`}
                label={s.label}
                active={pathname.startsWith(`/t/${tenantId}/${s.to}`)}
                onClick={close}
              />
            ))}
            <NavLink
              component={RouterNavLink}
              // The operator's requests there act in this tenant (X-CheckProof-Tenant in its headers).
              to={
                viewer?.kind === 'OPERATOR' ? `/graphql?tenant=${encodeURIComponent(tenantId)}` : '/graphql'
              }
              label="GraphQL IDE"
              onClick={close}
            />
          </Stack>
          <Button variant="subtle" color="gray" onClick={signOut} justify="flex-start">
            Sign out
          </Button>
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        {foreign ? (
          <Alert color="red" title="No access" role="alert">
            Your session belongs to another tenant; you are not allowed to see this one.{' '}
            {viewer ? (
              <Anchor component={Link} to={homeOf(viewer)}>
                Go to your tenant
              </Anchor>
            ) : null}
          </Alert>
        ) : (
          <Suspense fallback={<Loading />}>
            <Outlet context={tenantId} />
          </Suspense>
        )}
      </AppShell.Main>
    </AppShell>
  );
}
