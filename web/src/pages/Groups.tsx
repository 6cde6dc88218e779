import { Anchor, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useSearchText } from '../useSearchText';
import { useEffect, useMemo } from 'react';
import { Link } from 'react-router';
import { Pager, usePager } from '../components/Pager';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { GroupsDocument, type GroupFilter } from '../gql/graphql';
import { useTenantId } from '../tenant';
import { useQuery } from '../useQuery';

const PAGE = 50;

export default function GroupsPage() {
  const tenantId = useTenantId();
  const { search, setSearch, debounced } = useSearchText();
  const pager = usePager(debounced);
  useEffect(() => {
    document.title = 'Groups · CheckProof Directory';
  }, []);
  const filter = useMemo<GroupFilter | null>(
    () => (debounced ? { displayName: { startsWith: debounced } } : null),
    [debounced],
  );
  const { data, error, loading } = useQuery(
    GroupsDocument,
    { first: PAGE, after: pager.after, filter },
    { tenantId },
  );
  const conn = data?.groups;
  const groups = conn?.edges.map((e) => e.node) ?? [];

  return (
    <Stack gap="md">
      <Title order={1}>Groups</Title>
      <Text c="dimmed">Biggest first, by the users they hold directly and through nested groups.</Text>
      <TextInput
        label="Search groups"
        placeholder="Name starts with…"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        w={320}
      />
      {error ? <ErrorAlert error={error} /> : null}
      {loading ? (
        <Loading label="Loading groups…" />
      ) : groups.length === 0 ? (
        <Empty>
          {filter ? 'No groups match.' : 'No groups yet. Entra creates them when it provisions this tenant.'}
        </Empty>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col" ta="right">
                  Direct members
                </Table.Th>
                <Table.Th scope="col" ta="right">
                  Users in total
                </Table.Th>
                <Table.Th scope="col">externalId</Table.Th>
                <Table.Th scope="col">Source</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {groups.map((g) => (
                <Table.Tr key={g.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/t/${tenantId}/groups/${g.id}`}>
                      {g.displayName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ta="right">{g.direct.toLocaleString()}</Table.Td>
                  <Table.Td ta="right">{g.total.toLocaleString()}</Table.Td>
                  <Table.Td>{g.externalId ?? ''}</Table.Td>
                  <Table.Td>{g.source === 'SCIM' ? 'Entra' : 'API'}</Table.Td>
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
          shown={groups.length}
          total={conn.totalCount}
          hasNextPage={conn.pageInfo.hasNextPage}
          onNext={() => pager.next(conn.pageInfo.endCursor)}
          onPrevious={pager.previous}
          noun="groups"
        />
      ) : null}
    </Stack>
  );
}
