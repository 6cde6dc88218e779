/**
 * POST /.search on the base URL (RFC 7644 §3.4.3): users then groups as one list, each rendered
 * exactly as /Users and /Groups render it (attributes, excludedAttributes, members, groups), and a
 * query naming an attribute only one type has leaves the other type out.
 */
import { useScimApp } from '../../support/use-app';

const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const { scim } = useScimApp();
const users: string[] = [];
let team = '';
let empty = '';

beforeAll(async () => {
  for (const name of ['ann', 'ben', 'cat']) {
    const res = await scim.req('POST', '/Users', {
      userName: `${name}@contoso.com`,
      displayName: name.toUpperCase(),
      name: { givenName: name, familyName: 'Doe' },
      emails: [{ value: `${name}@contoso.com`, type: 'work', primary: true }],
      active: name !== 'cat',
    });
    expect(res.status).toBe(201);
    users.push(res.body.id);
  }
  const members = users.slice(0, 2).map((value) => ({ value }));
  team = (await scim.req('POST', '/Groups', { displayName: 'Team', members })).body.id;
  empty = (await scim.req('POST', '/Groups', { displayName: 'Empty' })).body.id;
});

/** What GET /Users and GET /Groups answer for the same query, one list after the other. */
async function perType(query: string): Promise<unknown[]> {
  const [u, g] = [await scim.req('GET', `/Users?${query}`), await scim.req('GET', `/Groups?${query}`)];
  expect([u.status, g.status]).toEqual([200, 200]);
  return [...u.body.Resources, ...g.body.Resources];
}

function expectInvalidFilter(res: { status: number; body: Record<string, unknown> }, detail: string) {
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ schemas: [ERROR], status: '400', scimType: 'invalidFilter', detail });
}

describe('POST /.search renders each type as its own endpoint does', () => {
  it.each([
    ['no projection', {}, ''],
    ['attributes', { attributes: ['displayName'] }, 'attributes=displayName'],
    [
      'attributes of one type each',
      { attributes: 'userName,groups,members.value' },
      'attributes=userName,groups,members.value',
    ],
    [
      'excludedAttributes',
      { excludedAttributes: 'members,emails,meta' },
      'excludedAttributes=members,emails,meta',
    ],
  ])('%s', async (_, body, query) => {
    const res = await scim.req('POST', '/.search', body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      schemas: [LIST],
      totalResults: 5,
      itemsPerPage: 5,
      startIndex: 1,
      Resources: await perType(query),
    });
  });

  it('applies attributes to both types; groups and members only when named', async () => {
    const named = await scim.req('POST', '/.search', { attributes: ['displayName'] });
    expect(named.body.Resources).toEqual([
      { schemas: [USER], id: users[0], displayName: 'ANN', active: true },
      { schemas: [USER], id: users[1], displayName: 'BEN', active: true },
      { schemas: [USER], id: users[2], displayName: 'CAT', active: false },
      { schemas: [GROUP], id: team, displayName: 'Team' },
      { schemas: [GROUP], id: empty, displayName: 'Empty' },
    ]);
    const related = await scim.req('POST', '/.search', { attributes: 'groups,members.value' });
    const inTeam = { value: team, display: 'Team', type: 'direct' };
    expect(related.body.Resources).toEqual([
      { schemas: [USER], id: users[0], active: true, groups: [expect.objectContaining(inTeam)] },
      { schemas: [USER], id: users[1], active: true, groups: [expect.objectContaining(inTeam)] },
      { schemas: [USER], id: users[2], active: false },
      {
        schemas: [GROUP],
        id: team,
        members: expect.arrayContaining([{ value: users[0] }, { value: users[1] }]),
      },
      { schemas: [GROUP], id: empty },
    ]);
    expect(related.body.Resources[3].members).toHaveLength(2);
  });

  it('applies excludedAttributes to both types', async () => {
    const res = await scim.req('POST', '/.search', { excludedAttributes: 'members,emails,name' });
    expect(res.body.totalResults).toBe(5);
    for (const r of res.body.Resources) {
      expect(r).not.toHaveProperty('members');
      expect(r).not.toHaveProperty('emails');
      expect(r).not.toHaveProperty('name');
      expect(r.meta).toMatchObject({ resourceType: r.schemas[0] === USER ? 'User' : 'Group' });
    }
    expect(res.body.Resources.map((r: { displayName: string }) => r.displayName)).toEqual([
      'ANN',
      'BEN',
      'CAT',
      'Team',
      'Empty',
    ]);
  });

  it('pages users then groups as one list, the projection holding on both sides of the boundary', async () => {
    const res = await scim.req('POST', '/.search', { startIndex: 3, count: 2, attributes: 'displayName' });
    expect(res.body).toEqual({
      schemas: [LIST],
      totalResults: 5,
      itemsPerPage: 2,
      startIndex: 3,
      Resources: [
        { schemas: [USER], id: users[2], displayName: 'CAT', active: false },
        { schemas: [GROUP], id: team, displayName: 'Team' },
      ],
    });
  });
});

describe('POST /.search with attributes only one type has', () => {
  it('leaves out the type a filter or sortBy names an attribute it does not have', async () => {
    const byUserName = await scim.req('POST', '/.search', { filter: 'userName sw "a"' });
    expect(byUserName.body).toMatchObject({ totalResults: 1, Resources: [{ id: users[0] }] });
    const byMember = await scim.req('POST', '/.search', { filter: `members.value eq "${users[1]}"` });
    expect(byMember.body).toMatchObject({ totalResults: 1, Resources: [{ id: team }] });
    const sorted = await scim.req('POST', '/.search', { sortBy: 'userName', sortOrder: 'descending' });
    expect(sorted.body.totalResults).toBe(3);
    expect(sorted.body.Resources.map((r: { id: string }) => r.id)).toEqual([...users].reverse());
  });

  it('answers invalidFilter, naming the attribute, when no type has it', async () => {
    expectInvalidFilter(
      await scim.req('POST', '/.search', { filter: 'shoeSize eq 4' }),
      'Unknown attribute "shoeSize" in filter',
    );
    expectInvalidFilter(
      await scim.req('POST', '/.search', { filter: 'emails[kind eq "work"]' }),
      'Unknown attribute "emails.kind" in filter',
    );
    expect((await scim.req('POST', '/.search', { sortBy: 'shoeSize' })).status).toBe(400);
  });

  it('reports a misuse of an attribute a type has instead of leaving that type out', async () => {
    // Groups have no "active"; users have it, and a string is not a boolean: the users' error.
    expectInvalidFilter(
      await scim.req('POST', '/.search', { filter: 'active eq "yes"' }),
      '"active" must be compared with true or false',
    );
  });

  it('refuses cursor paging across resource types', async () => {
    const res = await scim.req('POST', '/.search', { cursor: '' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ scimType: 'invalidValue' });
  });
});
