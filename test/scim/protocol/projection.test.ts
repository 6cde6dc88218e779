import { ScimError } from '../../../src/scim/protocol/errors';
import { parseAttributeList, project } from '../../../src/scim/protocol/projection';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const meta = { resourceType: 'User', location: 'https://example.test/Users/u-1', version: 'W/"1"' };
const work = { value: 'bjensen@example.com', type: 'work', primary: true };
const home = { value: 'babs@HOME.example', type: 'home' };

const user = {
  schemas: [CORE, ENT],
  id: 'u-1',
  externalId: 'ext-1',
  userName: 'bjensen',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  displayName: 'Babs',
  active: false,
  emails: [work, home],
  [ENT]: { department: 'Tours', manager: { value: 'm-1', $ref: 'https://example.test/Users/m-1' } },
  meta,
};

const group = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id: 'g-1',
  displayName: 'Guides',
  members: [
    { value: 'u-1', $ref: 'https://example.test/Users/u-1', type: 'User', display: 'Babs' },
    { value: 'g-2', $ref: 'https://example.test/Groups/g-2', type: 'Group' },
  ],
  meta: { ...meta, resourceType: 'Group' },
};

/** id, schemas and active come back whatever the request names. */
const always = { schemas: [CORE], id: 'u-1', active: false };
const { [ENT]: _enterprise, ...withoutEnterprise } = user;

const cases: [string, { attributes?: string[]; excludedAttributes?: string[] }, object][] = [
  ['no projection returns the resource as is', {}, user],
  [
    'attributes: only the named ones plus id, schemas, active (meta is "default")',
    { attributes: ['userName'] },
    { ...always, userName: 'bjensen' },
  ],
  [
    'attributes: Postman userName,emails',
    { attributes: ['userName', 'emails'] },
    { ...always, userName: 'bjensen', emails: [work, home] },
  ],
  [
    'attributes: case-insensitive names',
    { attributes: ['DisplayName', 'Name.FamilyName'] },
    { ...always, name: { familyName: 'Jensen' }, displayName: 'Babs' },
  ],
  [
    'attributes: a sub-attribute of a complex attribute',
    { attributes: ['name.givenName'] },
    { ...always, name: { givenName: 'Barbara' } },
  ],
  [
    'attributes: a sub-attribute of a multi-valued attribute',
    { attributes: ['emails.value'] },
    { ...always, emails: [{ value: work.value }, { value: home.value }] },
  ],
  [
    'attributes: two sub-attributes merge per entry',
    { attributes: ['emails.value', 'emails.type'] },
    {
      ...always,
      emails: [
        { value: work.value, type: 'work' },
        { value: home.value, type: 'home' },
      ],
    },
  ],
  [
    'attributes: Postman emails[type eq "work"] keeps only matching entries',
    { attributes: ['emails[type eq "work"]'] },
    { ...always, emails: [work] },
  ],
  [
    'attributes: value filter then sub-attribute',
    { attributes: ['emails[type eq "work"].value'] },
    { ...always, emails: [{ value: work.value }] },
  ],
  [
    'attributes: value filter is case-insensitive',
    { attributes: ['EMAILS[TYPE EQ "WORK"]'] },
    { ...always, emails: [work] },
  ],
  [
    'attributes: value filter with ne and an unquoted value',
    { attributes: ['emails[type ne work]'] },
    { ...always, emails: [home] },
  ],
  [
    'attributes: value filter with co',
    { attributes: ['emails[value co "home"]'] },
    { ...always, emails: [home] },
  ],
  [
    'attributes: value filter with sw',
    { attributes: ['emails[value sw "bjensen@"]'] },
    { ...always, emails: [work] },
  ],
  ['attributes: value filter with pr', { attributes: ['emails[primary pr]'] }, { ...always, emails: [work] }],
  [
    'attributes: value filter on a boolean',
    { attributes: ['emails[primary eq true]'] },
    { ...always, emails: [work] },
  ],
  [
    'attributes: a value filter that matches nothing leaves the attribute out',
    { attributes: ['emails[type eq "fax"]'] },
    always,
  ],
  [
    'attributes: an unfiltered request of the same attribute wins',
    { attributes: ['emails[type eq "work"]', 'emails'] },
    { ...always, emails: [work, home] },
  ],
  [
    'attributes: URN-qualified extension attribute',
    { attributes: [`${ENT}:department`] },
    { ...always, schemas: [CORE, ENT], [ENT]: { department: 'Tours' } },
  ],
  [
    'attributes: URN-qualified extension sub-attribute',
    { attributes: [`${ENT.toUpperCase()}:manager.value`] },
    { ...always, schemas: [CORE, ENT], [ENT]: { manager: { value: 'm-1' } } },
  ],
  [
    'attributes: the whole extension by its URN',
    { attributes: [ENT] },
    { ...always, schemas: [CORE, ENT], [ENT]: user[ENT] },
  ],
  [
    'attributes: URN-qualified core attribute',
    { attributes: [`${CORE}:userName`] },
    { ...always, userName: 'bjensen' },
  ],
  [
    'attributes: meta when named',
    { attributes: ['meta.location'] },
    { ...always, meta: { location: meta.location } },
  ],
  [
    'attributes: unknown names select nothing',
    { attributes: ['favouriteColour', 'urn:example:unknown:2.0:User:x'] },
    always,
  ],
  [
    'excludedAttributes: removes the named attribute',
    { excludedAttributes: ['emails'] },
    (({ emails: _e, ...rest }) => rest)(user),
  ],
  [
    'excludedAttributes: never removes id, schemas or active',
    { excludedAttributes: ['id', 'schemas', 'ACTIVE'] },
    user,
  ],
  [
    'excludedAttributes: a sub-attribute',
    { excludedAttributes: ['name.givenName'] },
    { ...user, name: { familyName: 'Jensen' } },
  ],
  [
    'excludedAttributes: a sub-attribute of every entry',
    { excludedAttributes: ['emails.primary'] },
    { ...user, emails: [{ value: work.value, type: 'work' }, home] },
  ],
  [
    'excludedAttributes: matching entries of a value filter',
    { excludedAttributes: ['emails[type eq "home"]'] },
    { ...user, emails: [work] },
  ],
  [
    'excludedAttributes: the whole extension, and its URN from schemas',
    { excludedAttributes: [ENT] },
    { ...withoutEnterprise, schemas: [CORE] },
  ],
  [
    'excludedAttributes: an extension attribute',
    { excludedAttributes: [`${ENT}:manager`] },
    { ...user, [ENT]: { department: 'Tours' } },
  ],
  [
    'excludedAttributes: the last extension attribute drops the extension',
    { excludedAttributes: [`${ENT}:manager`, `${ENT}:department`] },
    { ...withoutEnterprise, schemas: [CORE] },
  ],
  [
    'both: attributes first, then excludedAttributes',
    { attributes: ['userName', 'emails'], excludedAttributes: ['emails.type'] },
    { ...always, userName: 'bjensen', emails: [{ value: work.value, primary: true }, { value: home.value }] },
  ],
];

describe('project (User)', () => {
  it.each(cases)('%s', (_name, opts, expected) => {
    expect(project(user, opts, 'User')).toStrictEqual(expected);
  });

  it('does not modify the resource', () => {
    const copy = structuredClone(user);
    project(user, { attributes: ['emails.value'], excludedAttributes: ['id', ENT] }, 'User');
    expect(user).toStrictEqual(copy);
  });

  it.each([
    ['emails[type eq "work" and primary eq true]'],
    ['emails[type]'],
    ['emails[type eq]'],
    ['emails[primary pr x]'],
  ])('rejects an unsupported value filter %s with 400 invalidFilter', (attribute) => {
    let caught: unknown;
    try {
      project(user, { attributes: [attribute] }, 'User');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ScimError);
    expect(caught).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });
});

describe('project (Group)', () => {
  const groupCases: [string, { attributes?: string[]; excludedAttributes?: string[] }, object][] = [
    [
      'excludedAttributes=members (Entra reads groups like this)',
      { excludedAttributes: ['members'] },
      (({ members: _m, ...rest }) => rest)(group),
    ],
    [
      'attributes=displayName: active is not forced onto groups',
      { attributes: ['displayName'] },
      { schemas: group.schemas, id: 'g-1', displayName: 'Guides' },
    ],
    [
      'attributes=members.value',
      { attributes: ['members.value'] },
      { schemas: group.schemas, id: 'g-1', members: [{ value: 'u-1' }, { value: 'g-2' }] },
    ],
    [
      'attributes=members[type eq "Group"]',
      { attributes: ['members[type eq "Group"]'] },
      { schemas: group.schemas, id: 'g-1', members: [group.members[1]] },
    ],
  ];

  it.each(groupCases)('%s', (_name, opts, expected) => {
    expect(project(group, opts, 'Group')).toStrictEqual(expected);
  });
});

describe('parseAttributeList', () => {
  const lists: [string, string | string[] | undefined, string[] | undefined][] = [
    ['absent', undefined, undefined],
    ['empty', '', undefined],
    ['only commas and spaces', ' , ,', undefined],
    ['Postman userName,emails', 'userName,emails', ['userName', 'emails']],
    ['spaces around names (form-decoded +)', ' userName , displayName ', ['userName', 'displayName']],
    [
      'a comma inside a value filter',
      'emails[type eq "a,b"].value,userName',
      ['emails[type eq "a,b"].value', 'userName'],
    ],
    ['a comma inside brackets without quotes', 'emails[type eq a,b],x', ['emails[type eq a,b]', 'x']],
    ['a repeated query parameter', ['userName,emails', 'meta'], ['userName', 'emails', 'meta']],
    ['URN-qualified names', `${ENT}:department,${CORE}:userName`, [`${ENT}:department`, `${CORE}:userName`]],
  ];

  it.each(lists)('%s', (_name, input, expected) => {
    expect(parseAttributeList(input)).toStrictEqual(expected);
  });
});
