import { Anchor, Badge, Card, List, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { Pager, usePager } from '../components/Pager';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { dateTime } from '../format';
import { GroupDetailDocument } from '../gql/graphql';
import { useTenantId } from '../tenant';
import { useQuery } from '../useQuery';

const PAGE = 50;

export default function GroupPage() {
  const tenantId = useTenantId();
  const { id = '' } = useParams();
  const pager = usePager(id);
  const { data, error, loading } = useQuery(
    GroupDetailDocument,
    { id, first: PAGE, after: pager.after },
    { tenantId },
  );
  const group = data?.group;
  useEffect(() => {
    document.title = `${group?.displayName ?? 'Group'} · CheckProof Directory`;
  }, [group?.displayName]);

  if (loading) return <Loading label="Loading the group…" />;
  if (error && !group) return <ErrorAlert error={error} />;
  if (!group)
    return (
      <Stack>
        <Title order={1}>Group not found</Title>
        <Text>No group of this tenant has this id; it may have been deleted.</Text>
      </Stack>
    );
  const members = group.members.edges.map((e) => e.node);
  const nested = group.nested.edges.flatMap((e) => (e.node.__typename === 'Group' ? [e.node] : []));
  const parents = group.parents.edges.map((e) => e.node);
  const link = (g: { id: string; displayName: string }) => (
    <Anchor component={Link} to={`/t/${tenantId}/groups/${g.id}`}>
      {g.displayName}
    </Anchor>
  );
  return (
    <Stack gap="md">
      <Anchor component={Link} to={`/t/${tenantId}/groups`} size="sm">
        ‹ All groups
      </Anchor>
      <Title order={1}>{group.displayName}</Title>
      <Text c="dimmed">
        {group.direct.toLocaleString()} direct members · {group.total.toLocaleString()} users in total ·{' '}
        {group.source === 'SCIM' ? 'from Entra' : 'created over the API'} · externalId{' '}
        {group.externalId ?? '—'} · updated {dateTime(group.updatedAt)}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            Nested groups ({group.nested.totalCount})
          </Title>
          {nested.length === 0 ? (
            <Empty>No groups inside this one.</Empty>
          ) : (
            <List>
              {nested.map((g) => (
                <List.Item key={g.id}>{link(g)}</List.Item>
              ))}
            </List>
          )}
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            Member of ({group.parents.totalCount})
          </Title>
          {parents.length === 0 ? (
            <Empty>A top-level group: not nested in any other.</Empty>
          ) : (
            <List>
              {parents.map((g) => (
                <List.Item key={g.id}>{link(g)}</List.Item>
              ))}
            </List>
          )}
        </Card>
      </SimpleGrid>
      <Title order={2} size="h4">
        Members
      </Title>
      {members.length === 0 ? (
        <Empty>No members.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Kind</Table.Th>
                <Table.Th scope="col">userName</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.map((m) =>
                m.__typename === 'User' ? (
                  <Table.Tr key={m.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/t/${tenantId}/users/${m.id}`}>
                        {m.displayName ?? m.userName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>User</Table.Td>
                    <Table.Td>{m.userName}</Table.Td>
                    <Table.Td>
                      {m.active ? (
                        <Badge color="green" variant="light">
                          Active
                        </Badge>
                      ) : (
                        <Badge color="gray">Disabled</Badge>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ) : (
                  <Table.Tr key={m.id}>
                    <Table.Td>{link({ id: m.id, displayName: m.groupName })}</Table.Td>
                    <Table.Td>Group</Table.Td>
                    <Table.Td />
                    <Table.Td />
                  </Table.Tr>
                ),
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager
        page={pager.page}
        pageSize={PAGE}
        shown={members.length}
        total={group.members.totalCount}
        hasNextPage={group.members.pageInfo.hasNextPage}
        onNext={() => pager.next(group.members.pageInfo.endCursor)}
        onPrevious={pager.previous}
        noun="members"
      />
    </Stack>
  );
}
