import { Anchor, Badge, Group, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useSearchText } from '../useSearchText';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Pager, usePager } from '../components/Pager';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { dateTime } from '../format';
import { UsersDocument, type UserFilter } from '../gql/graphql';
import { useTenantId } from '../tenant';
import { useQuery } from '../useQuery';

const PAGE = 50;

export default function UsersPage() {
  const tenantId = useTenantId();
  const { search, setSearch, debounced } = useSearchText();
  const [active, setActive] = useState('all');
  useEffect(() => {
    document.title = 'Users · CheckProof Directory';
  }, []);

  const filter = useMemo<UserFilter | null>(() => {
    const parts: UserFilter[] = [];
    if (debounced)
      parts.push({
        or: [{ userName: { startsWith: debounced } }, { displayName: { startsWith: debounced } }],
      });
    if (active !== 'all') parts.push({ active: active === 'active' });
    return parts.length === 0 ? null : parts.length === 1 ? parts[0]! : { and: parts };
  }, [debounced, active]);
  const pager = usePager(JSON.stringify(filter));

  const { data, error, loading } = useQuery(
    UsersDocument,
    { first: PAGE, after: pager.after, filter },
    { tenantId },
  );
  const conn = data?.users;
  const users = conn?.edges.map((e) => e.node) ?? [];

  return (
    <Stack gap="md">
      <Title order={1}>Users</Title>
      <Group align="flex-end">
        <TextInput
          label="Search users"
          placeholder="userName or display name starts with…"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={320}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="active-filter-label">
            Status
          </Text>
          <SegmentedControl
            aria-labelledby="active-filter-label"
            value={active}
            onChange={setActive}
            data={[
              { value: 'all', label: 'All' },
              { value: 'active', label: 'Active' },
              { value: 'inactive', label: 'Disabled' },
            ]}
          />
        </Stack>
      </Group>
      {error ? <ErrorAlert error={error} /> : null}
      {loading ? (
        <Loading label="Loading users…" />
      ) : users.length === 0 ? (
        <Empty>
          {filter ? 'No users match.' : 'No users yet. Entra creates them when it provisions this tenant.'}
        </Empty>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">userName</Table.Th>
                <Table.Th scope="col">Title</Table.Th>
                <Table.Th scope="col">Department</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">Updated</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/t/${tenantId}/users/${u.id}`}>
                      {u.displayName || u.userName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{u.userName}</Table.Td>
                  <Table.Td>{u.title ?? ''}</Table.Td>
                  <Table.Td>{u.department ?? ''}</Table.Td>
                  <Table.Td>
                    {u.active ? (
                      <Badge color="green" variant="light">
                        Active
                      </Badge>
                    ) : (
                      <Badge color="gray">Disabled</Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{dateTime(u.updatedAt)}</Table.Td>
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
          shown={users.length}
          total={conn.totalCount}
          hasNextPage={conn.pageInfo.hasNextPage}
          onNext={() => pager.next(conn.pageInfo.endCursor)}
          onPrevious={pager.previous}
          noun="users"
        />
      ) : null}
    </Stack>
  );
}
