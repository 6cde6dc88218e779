import { Anchor, Badge, Card, Group, List, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { dateTime } from '../format';
import { UserDetailDocument, type UserDetailQuery } from '../gql/graphql';
import { useTenantId } from '../tenant';
import { useQuery } from '../useQuery';

type User = NonNullable<UserDetailQuery['user']>;
type GroupPathEntry = User['groupPaths'][number];

function Attributes({ rows }: { rows: Array<[string, string | null | undefined]> }) {
  return (
    <Table withRowBorders={false} verticalSpacing={4}>
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th scope="row" w={200} fw={500} c="dimmed">
              {label}
            </Table.Th>
            <Table.Td>
              {value ? (
                value
              ) : (
                <Text c="dimmed" span>
                  —
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** "via A › B": the chain from a group the user is directly in up to the inherited group. */
function InheritedGroup({ tenantId, entry }: { tenantId: string; entry: GroupPathEntry }) {
  return (
    <List.Item>
      <Anchor component={Link} to={`/t/${tenantId}/groups/${entry.group.id}`}>
        {entry.group.displayName}
      </Anchor>{' '}
      <Text span size="sm" c="dimmed">
        via {entry.path.map((g) => g.displayName).join(' › ')}
      </Text>
    </List.Item>
  );
}

function typed(values: Array<{ value?: string | null; type?: string | null; primary: boolean }>): string {
  return values
    .map(
      (v) =>
        `${v.value ?? ''}${v.type ? ` (${v.type}${v.primary ? ', primary' : ''})` : v.primary ? ' (primary)' : ''}`,
    )
    .join(', ');
}

function Profile({ user }: { user: User }) {
  const n = user.name;
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          Core attributes
        </Title>
        <Attributes
          rows={[
            ['userName', user.userName],
            ['displayName', user.displayName],
            [
              'name',
              n.formatted ??
                [n.honorificPrefix, n.givenName, n.middleName, n.familyName, n.honorificSuffix]
                  .filter(Boolean)
                  .join(' '),
            ],
            ['givenName', n.givenName],
            ['familyName', n.familyName],
            ['emails', typed(user.emails)],
            ['phoneNumbers', typed(user.phoneNumbers)],
            ['title', user.title],
            ['nickName', user.nickName],
            ['userType', user.userType],
            ['preferredLanguage', user.preferredLanguage],
            ['locale', user.locale],
            ['timezone', user.timezone],
            ['externalId', user.externalId],
            ['active', user.active ? 'true' : 'false'],
            ['source', user.source === 'SCIM' ? 'Entra (SCIM)' : 'API'],
            ['created', dateTime(user.createdAt)],
            ['updated', `${dateTime(user.updatedAt)} (version ${user.version})`],
            ['id', user.id],
          ]}
        />
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="xs">
          Enterprise attributes
        </Title>
        <Attributes
          rows={[
            ['employeeNumber', user.employeeNumber],
            ['department', user.department],
            ['costCenter', user.costCenter],
            ['organization', user.organization],
            ['division', user.division],
            ['manager', user.manager ? (user.manager.displayName ?? user.manager.userName) : null],
          ]}
        />
      </Card>
    </SimpleGrid>
  );
}

export default function UserPage() {
  const tenantId = useTenantId();
  const { id = '' } = useParams();
  const { data, error, loading } = useQuery(UserDetailDocument, { id }, { tenantId });
  const user = data?.user;
  useEffect(() => {
    document.title = `${user ? (user.displayName ?? user.userName) : 'User'} · CheckProof Directory`;
  }, [user]);

  if (loading) return <Loading label="Loading the user…" />;
  if (error && !user) return <ErrorAlert error={error} />;
  if (!user)
    return (
      <Stack>
        <Title order={1}>User not found</Title>
        <Text>No user of this tenant has this id; it may have been deleted.</Text>
      </Stack>
    );
  const direct = user.directGroups.edges.map((e) => e.node);
  // Every inherited group with its path comes in the one query (User.groupPaths, depth 2 and more).
  const inherited = user.groupPaths.filter((p) => p.depth > 1).slice(0, 100);
  return (
    <Stack gap="md">
      <Anchor component={Link} to={`/t/${tenantId}/users`} size="sm">
        ‹ All users
      </Anchor>
      <Group gap="sm">
        <Title order={1}>{user.displayName ?? user.userName}</Title>
        {user.active ? (
          <Badge color="green" variant="light">
            Active
          </Badge>
        ) : (
          <Badge color="gray">Disabled</Badge>
        )}
      </Group>
      <Text c="dimmed">{user.userName}</Text>
      <Profile user={user} />
      {user.manager ? (
        <Text size="sm">
          Manager:{' '}
          <Anchor component={Link} to={`/t/${tenantId}/users/${user.manager.id}`}>
            {user.manager.displayName ?? user.manager.userName}
          </Anchor>
        </Text>
      ) : null}

      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            Roles
          </Title>
          {user.roles.length === 0 ? (
            <Empty>No roles.</Empty>
          ) : (
            <List>
              {user.roles.map((r) => (
                <List.Item key={r.value}>
                  {r.display ?? r.value}
                  {r.primary ? ' (primary)' : ''}
                </List.Item>
              ))}
            </List>
          )}
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            Direct groups ({user.directGroups.totalCount})
          </Title>
          {direct.length === 0 ? (
            <Empty>Not directly in any group.</Empty>
          ) : (
            <List>
              {direct.map((g) => (
                <List.Item key={g.id}>
                  <Anchor component={Link} to={`/t/${tenantId}/groups/${g.id}`}>
                    {g.displayName}
                  </Anchor>
                </List.Item>
              ))}
            </List>
          )}
          {user.directGroups.totalCount > direct.length ? (
            <Text size="sm" c="dimmed">
              and {user.directGroups.totalCount - direct.length} more
            </Text>
          ) : null}
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            Inherited groups ({user.inheritedGroups.totalCount})
          </Title>
          {inherited.length === 0 ? (
            <Empty>No groups through nesting.</Empty>
          ) : (
            <List>
              {inherited.map((g) => (
                <InheritedGroup key={g.group.id} tenantId={tenantId} entry={g} />
              ))}
            </List>
          )}
          {user.inheritedGroups.totalCount > inherited.length ? (
            <Text size="sm" c="dimmed">
              and {user.inheritedGroups.totalCount - inherited.length} more
            </Text>
          ) : null}
        </Card>
      </SimpleGrid>

      <Stack gap="xs">
        <Title order={2} size="h4">
          Recent audit events
        </Title>
        {user.auditEvents.length === 0 ? (
          <Empty>No audit events.</Empty>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">When</Table.Th>
                  <Table.Th scope="col">Action</Table.Th>
                  <Table.Th scope="col">Changed</Table.Th>
                  <Table.Th scope="col">By</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {user.auditEvents.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>{dateTime(e.createdAt)}</Table.Td>
                    <Table.Td>{e.action}</Table.Td>
                    <Table.Td>{e.changedFields.join(', ')}</Table.Td>
                    <Table.Td>{e.actorName ?? e.actor}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Stack>
  );
}
