import { Anchor, Stack, Table, Text, Title } from '@mantine/core';
import { Fragment, useEffect } from 'react';
import { Link } from 'react-router';
import { Pager, usePager } from '../components/Pager';
import { Empty, ErrorAlert, Loading } from '../components/States';
import { RolesDocument } from '../gql/graphql';
import { useTenantId } from '../tenant';
import { useQuery } from '../useQuery';

const PAGE = 50;

export default function RolesPage() {
  const tenantId = useTenantId();
  const pager = usePager();
  useEffect(() => {
    document.title = 'Roles · CheckProof Directory';
  }, []);
  const { data, error, loading } = useQuery(RolesDocument, { first: PAGE, after: pager.after }, { tenantId });
  const conn = data?.roles;
  const roles = conn?.edges.map((e) => e.node) ?? [];
  return (
    <Stack gap="md">
      <Title order={1}>Roles</Title>
      <Text c="dimmed">Entra app roles held by this tenant’s users, with how many hold each.</Text>
      {error ? <ErrorAlert error={error} /> : null}
      {loading ? (
        <Loading label="Loading roles…" />
      ) : roles.length === 0 ? (
        <Empty>
          No roles yet. They arrive with users whose Entra app role assignments are mapped to roles.
        </Empty>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Role</Table.Th>
                <Table.Th scope="col" ta="right">
                  Holders
                </Table.Th>
                <Table.Th scope="col">Some holders</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {roles.map((r) => {
                const holders = r.holders.edges.map((e) => e.node);
                return (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      {r.value}
                      {r.display && r.display !== r.value ? (
                        <Text span c="dimmed" size="sm">
                          {' '}
                          ({r.display})
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td ta="right">{r.holders.totalCount.toLocaleString()}</Table.Td>
                    <Table.Td>
                      {holders.length === 0
                        ? '—'
                        : holders.map((u, i) => (
                            <Fragment key={u.id}>
                              {i > 0 ? ', ' : ''}
                              <Anchor component={Link} to={`/t/${tenantId}/users/${u.id}`}>
                                {u.displayName ?? u.userName}
                              </Anchor>
                            </Fragment>
                          ))}
                      {r.holders.totalCount > holders.length
                        ? ` and ${r.holders.totalCount - holders.length} more`
                        : ''}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {conn ? (
        <Pager
          page={pager.page}
          pageSize={PAGE}
          shown={roles.length}
          total={conn.totalCount}
          hasNextPage={conn.pageInfo.hasNextPage}
          onNext={() => pager.next(conn.pageInfo.endCursor)}
          onPrevious={pager.previous}
          noun="roles"
        />
      ) : null}
    </Stack>
  );
}
