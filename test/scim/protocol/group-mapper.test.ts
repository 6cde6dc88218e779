import type { GroupRecord, MemberRecord } from '../../../src/domain/groups/group.types';
import { ScimError } from '../../../src/scim/protocol/errors';
import { groupToScim, scimToGroupInput } from '../../../src/scim/protocol/group-mapper';
import { project } from '../../../src/scim/protocol/projection';

const BASE = 'https://example.test/scim/v2/tenant-id';
const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const group: GroupRecord = {
  id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
  tenantId: 'tenant-id',
  displayName: 'Tour Guides',
  externalId: null,
  source: 'SCIM',
  version: 7,
  createdAt: new Date('2026-01-02T03:04:05.000Z'),
  updatedAt: new Date('2026-02-03T04:05:06.000Z'),
};

const meta = {
  resourceType: 'Group',
  created: '2026-01-02T03:04:05.000Z',
  lastModified: '2026-02-03T04:05:06.000Z',
  location: `${BASE}/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a`,
  version: 'W/"7"',
};

describe('groupToScim', () => {
  it('leaves members out entirely when they were not loaded (excludedAttributes=members)', () => {
    expect(groupToScim(group, undefined, BASE)).toStrictEqual({
      schemas: [GROUP_URN],
      id: group.id,
      displayName: 'Tour Guides',
      meta,
    });
  });

  it('returns users and nested groups with $ref, type and display (omitted when unknown)', () => {
    const members: MemberRecord[] = [
      { value: 'u-1', type: 'User', display: 'Babs Jensen' },
      { value: 'g-2', type: 'Group', display: null },
    ];
    expect(groupToScim({ ...group, externalId: 'ext-9' }, members, `${BASE}/`)).toStrictEqual({
      schemas: [GROUP_URN],
      id: group.id,
      externalId: 'ext-9',
      displayName: 'Tour Guides',
      members: [
        { value: 'u-1', $ref: `${BASE}/Users/u-1`, type: 'User', display: 'Babs Jensen' },
        { value: 'g-2', $ref: `${BASE}/Groups/g-2`, type: 'Group' },
      ],
      meta,
    });
  });

  it('feeds projection directly (a plain JSON object type)', () => {
    const resource: Record<string, unknown> = groupToScim(group, [], BASE);
    expect(project(resource, { excludedAttributes: ['members', 'meta'] }, 'Group')).toStrictEqual({
      schemas: [GROUP_URN],
      id: group.id,
      displayName: 'Tour Guides',
    });
  });

  it('returns an empty member list as []', () => {
    expect(groupToScim(group, [], BASE).members).toEqual([]);
  });
});

describe('scimToGroupInput', () => {
  const valid: [string, unknown, unknown][] = [
    [
      'Entra POST /Groups: Microsoft URN in schemas, empty members',
      {
        schemas: [GROUP_URN, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName: 'Group1DisplayName',
        members: [],
        meta: { resourceType: 'Group' },
      },
      { displayName: 'Group1DisplayName', externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', members: [] },
    ],
    [
      'capitalised keys, members with $ref null and display text',
      {
        DisplayName: 'Sales',
        ExternalID: 'S-1',
        Members: [{ $ref: null, Value: 'u-1' }, null, { value: 'u-2', Display: 'Bob' }],
      },
      {
        displayName: 'Sales',
        externalId: 'S-1',
        members: [{ value: 'u-1' }, { value: 'u-2', display: 'Bob' }],
      },
    ],
    [
      'null members and externalId read as absent; id and unknown keys are ignored',
      { id: 'x', displayName: ' Spaced ', externalId: null, members: null, owner: 'someone' },
      { displayName: ' Spaced ' },
    ],
  ];

  it.each(valid)('parses %s', (_name, body, expected) => {
    expect(scimToGroupInput(body)).toStrictEqual(expected);
  });

  const invalid: [string, unknown, string, string][] = [
    ['body is not an object', [], 'invalidSyntax', 'JSON object'],
    ['displayName missing', { externalId: 'x' }, 'invalidValue', 'displayName is required'],
    ['displayName empty', { displayName: '  ' }, 'invalidValue', 'displayName is required'],
    ['displayName not a string', { displayName: 5 }, 'invalidValue', 'displayName is required'],
    ['schemas not an array', { schemas: GROUP_URN, displayName: 'x' }, 'invalidSyntax', 'schemas'],
    [
      'members not an array',
      { displayName: 'x', members: { value: 'u' } },
      'invalidValue',
      'members must be an array',
    ],
    [
      'member is a string',
      { displayName: 'x', members: ['u-1'] },
      'invalidValue',
      'members[0] must be an object',
    ],
    [
      'member without value',
      { displayName: 'x', members: [{ display: 'A' }] },
      'invalidValue',
      'members[0].value',
    ],
    [
      'member value empty',
      { displayName: 'x', members: [{ value: '' }] },
      'invalidValue',
      'members[0].value',
    ],
  ];

  it.each(invalid)('rejects with 400: %s', (_name, body, scimType, detail) => {
    let caught: unknown;
    try {
      scimToGroupInput(body);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ScimError);
    expect(caught).toMatchObject({ status: 400, scimType });
    expect((caught as ScimError).detail).toContain(detail);
  });
});
