import { Code, List, Stack, Table, Text, Title } from '@mantine/core';

// From docs/entra.md: the steps in Entra and the default attribute mappings.
const USER_MAPPINGS: Array<[string, string, string]> = [
  [
    'userName',
    'userPrincipalName',
    'Matching attribute. Unique in your company, compared without regard to case. Required.',
  ],
  ['active', 'Switch([IsSoftDeleted], …)', 'false disables the person in CheckProof.'],
  ['displayName, name.givenName, name.familyName', 'displayName, givenName, surname', ''],
  ['emails[type eq "work"].value', 'mail', 'Stored exactly as sent.'],
  ['phoneNumbers[type eq "mobile"].value', 'mobile', 'Stored exactly as sent (no reformatting).'],
  ['preferredLanguage', 'preferredLanguage', ''],
  ['externalId', 'mailNickname', 'Not required to be unique.'],
  [
    'roles',
    'AppRoleAssignmentsComplex([appRoleAssignments])',
    'All of a person’s app roles; Entra always sends the full set.',
  ],
];

const GROUP_MAPPINGS: Array<[string, string, string]> = [
  [
    'displayName',
    'displayName',
    'Matching attribute. Unique in your company, compared without regard to case.',
  ],
  ['externalId', 'objectId', ''],
  ['members', 'members', 'People and other groups.'],
];

function MappingTable({ caption, rows }: { caption: string; rows: Array<[string, string, string]> }) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table withTableBorder captionSide="top">
        <Table.Caption>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">CheckProof (SCIM) attribute</Table.Th>
            <Table.Th scope="col">Default Entra source</Table.Th>
            <Table.Th scope="col">Notes</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(([target, source, note]) => (
            <Table.Tr key={target}>
              <Table.Td>
                <Code>{target}</Code>
              </Table.Td>
              <Table.Td>
                <Code>{source}</Code>
              </Table.Td>
              <Table.Td>{note}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The step-by-step guide for the customer's IT admin, inline on the Provisioning page. */
export function EntraGuide() {
  return (
    <Stack gap="sm">
      <Title order={2}>Connect Microsoft Entra ID</Title>
      <Text size="sm">
        In the Microsoft Entra admin center, with an Application Administrator, Cloud Application
        Administrator or Global Administrator role:
      </Text>
      <List type="ordered" spacing="xs" size="sm">
        <List.Item>
          Go to <b>Identity › Applications › Enterprise applications › New application</b>, choose{' '}
          <b>Create your own application</b>, name it (e.g. <i>CheckProof</i>), pick{' '}
          <b>Integrate any other application you don’t find in the gallery (Non-gallery)</b> and select{' '}
          <b>Create</b>.
        </List.Item>
        <List.Item>
          In the new application open <b>Provisioning</b>, select <b>Get started</b>, and set{' '}
          <b>Provisioning Mode</b> to <b>Automatic</b>.
        </List.Item>
        <List.Item>
          Under <b>Admin Credentials</b>, paste the Provisioning URL above as <b>Tenant URL</b> and a secret
          token as <b>Secret Token</b>.
        </List.Item>
        <List.Item>
          Select <b>Test Connection</b>. Entra looks up a random user name; the status above shows when it
          arrives.
        </List.Item>
        <List.Item>
          Select <b>Save</b>.
        </List.Item>
        <List.Item>
          Open <b>Mappings</b> and leave both on: <b>Provision Microsoft Entra ID Users</b> and{' '}
          <b>Provision Microsoft Entra ID Groups</b>. The default mappings below work as they are.
        </List.Item>
        <List.Item>
          Under <b>Settings</b>, set <b>Scope</b> to <b>Sync only assigned users and groups</b>, and assign
          people and groups in <b>Users and groups</b>.
        </List.Item>
        <List.Item>
          Set <b>Provisioning Status</b> to <b>On</b> and select <b>Save</b> to start provisioning. The first
          cycle starts within minutes; later cycles run about every 40 minutes.
        </List.Item>
      </List>
      <Title order={3}>Attribute mappings</Title>
      <MappingTable caption="Users: Entra’s default mappings" rows={USER_MAPPINGS} />
      <Text size="sm">
        You may add <Code>title</Code>, <Code>nickName</Code>, <Code>userType</Code>, <Code>locale</Code>,{' '}
        <Code>timezone</Code> and the enterprise extension (<Code>employeeNumber</Code>,{' '}
        <Code>department</Code>, <Code>costCenter</Code>, <Code>organization</Code>, <Code>division</Code>,{' '}
        <Code>manager</Code>). Attributes CheckProof does not know are ignored, not rejected.
      </Text>
      <MappingTable caption="Groups: Entra’s default mappings" rows={GROUP_MAPPINGS} />
    </Stack>
  );
}
