import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { UserInput, UserRecord } from '../../../src/domain/users/user.types';
import { ScimError } from '../../../src/scim/protocol/errors';
import { project } from '../../../src/scim/protocol/projection';
import { scimToUserInput, userJsonToInput, userToScim } from '../../../src/scim/protocol/user-mapper';

/** Captured Entra / Postman POST bodies with the UserInput they must produce, or the 400 they must get. */
interface Fixtures {
  valid: { name: string; body: unknown; expected: UserInput }[];
  invalid: { name: string; body: unknown; error: { scimType: string; detailIncludes: string } }[];
}

const fixtures = JSON.parse(
  readFileSync(path.join(__dirname, '../../fixtures/scim/user-bodies.json'), 'utf8'),
) as Fixtures;

const BASE = 'https://example.test/scim/v2/tenant-id';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function buildUserRecord(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: '2819c223-7f76-453a-919d-413861904646',
    tenantId: 'tenant-id',
    userName: 'bjensen@example.com',
    externalId: null,
    active: true,
    displayName: null,
    name: {
      formatted: null,
      familyName: null,
      givenName: null,
      middleName: null,
      honorificPrefix: null,
      honorificSuffix: null,
    },
    nickName: null,
    profileUrl: null,
    title: null,
    userType: null,
    preferredLanguage: null,
    locale: null,
    timezone: null,
    emails: [],
    phoneNumbers: [],
    addresses: [],
    ims: [],
    photos: [],
    entitlements: [],
    x509Certificates: [],
    enterprise: {
      employeeNumber: null,
      costCenter: null,
      organization: null,
      division: null,
      department: null,
      managerId: null,
    },
    roles: [],
    manager: null,
    source: 'SCIM',
    version: 3,
    createdAt: new Date('2026-01-02T03:04:05.000Z'),
    updatedAt: new Date('2026-02-03T04:05:06.000Z'),
    ...overrides,
  };
}

const fullRecord = buildUserRecord({
  externalId: 'ext-1',
  displayName: 'Babs Jensen',
  name: {
    formatted: 'Ms. Barbara J Jensen, III',
    familyName: 'Jensen',
    givenName: 'Barbara',
    middleName: 'Jane',
    honorificPrefix: 'Ms.',
    honorificSuffix: 'III',
  },
  nickName: 'Babs',
  profileUrl: 'https://login.example.com/bjensen',
  title: 'Tour Guide',
  userType: 'Employee',
  preferredLanguage: 'en-US',
  locale: 'en-US',
  timezone: 'America/Los_Angeles',
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home', display: null },
  ],
  phoneNumbers: [{ value: '555-555-8377', type: 'mobile' }],
  addresses: [
    { type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', country: 'US' },
  ],
  ims: [{ value: 'someaimhandle', type: 'aim' }],
  photos: [{ value: 'https://photos.example.com/profilephoto/72930000000Ccne/F', type: 'photo' }],
  entitlements: [{ value: 'premium' }],
  x509Certificates: [{ value: 'MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx' }],
  roles: [
    { value: 'Admin', display: 'Administrator', type: 'WindowsAzureActiveDirectoryRole', primary: true },
  ],
  enterprise: {
    employeeNumber: '701984',
    costCenter: '4130',
    organization: 'Universal Studios',
    division: 'Theme Park',
    department: 'Tour Operations',
    managerId: '26118915-6090-4610-87e4-49d8ca9f808d',
  },
  manager: { id: '26118915-6090-4610-87e4-49d8ca9f808d', displayName: 'John Smith', userName: 'jsmith' },
});

function expectScimError(run: () => unknown, scimType: string, detailIncludes: string): void {
  let caught: unknown;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ScimError);
  const err = caught as ScimError;
  expect({ status: err.status, scimType: err.scimType }).toEqual({ status: 400, scimType });
  expect(err.detail).toContain(detailIncludes);
}

describe('scimToUserInput', () => {
  it.each(fixtures.valid.map((f) => [f.name, f] as const))('parses %s', (_name, fixture) => {
    expect(scimToUserInput(fixture.body)).toStrictEqual(fixture.expected);
  });

  it.each(fixtures.invalid.map((f) => [f.name, f] as const))('rejects with 400: %s', (_name, fixture) => {
    expectScimError(
      () => scimToUserInput(fixture.body),
      fixture.error.scimType,
      fixture.error.detailIncludes,
    );
  });

  it('does not modify the body it reads', () => {
    const body = { UserName: 'a', emails: [{ value: 'x', primary: 'True' }] };
    const copy = structuredClone(body);
    scimToUserInput(body);
    expect(body).toEqual(copy);
  });
});

describe('userToScim', () => {
  it('returns every assigned attribute, the enterprise extension and meta', () => {
    expect(userToScim(fullRecord, BASE)).toStrictEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      id: '2819c223-7f76-453a-919d-413861904646',
      externalId: 'ext-1',
      userName: 'bjensen@example.com',
      name: fullRecord.name,
      displayName: 'Babs Jensen',
      nickName: 'Babs',
      profileUrl: 'https://login.example.com/bjensen',
      title: 'Tour Guide',
      userType: 'Employee',
      preferredLanguage: 'en-US',
      locale: 'en-US',
      timezone: 'America/Los_Angeles',
      active: true,
      emails: [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ],
      phoneNumbers: [{ value: '555-555-8377', type: 'mobile' }],
      ims: [{ value: 'someaimhandle', type: 'aim' }],
      photos: [{ value: 'https://photos.example.com/profilephoto/72930000000Ccne/F', type: 'photo' }],
      addresses: [
        { type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', country: 'US' },
      ],
      entitlements: [{ value: 'premium' }],
      roles: [
        { value: 'Admin', display: 'Administrator', type: 'WindowsAzureActiveDirectoryRole', primary: true },
      ],
      x509Certificates: [{ value: 'MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx' }],
      [ENTERPRISE]: {
        employeeNumber: '701984',
        costCenter: '4130',
        organization: 'Universal Studios',
        division: 'Theme Park',
        department: 'Tour Operations',
        manager: {
          value: '26118915-6090-4610-87e4-49d8ca9f808d',
          $ref: `${BASE}/Users/26118915-6090-4610-87e4-49d8ca9f808d`,
          displayName: 'John Smith',
        },
      },
      meta: {
        resourceType: 'User',
        created: '2026-01-02T03:04:05.000Z',
        lastModified: '2026-02-03T04:05:06.000Z',
        location: `${BASE}/Users/2819c223-7f76-453a-919d-413861904646`,
        version: 'W/"3"',
      },
    });
  });

  it('leaves out unassigned attributes but always returns active, also when false', () => {
    const json = userToScim(buildUserRecord({ active: false }), `${BASE}/`);
    expect(json).toStrictEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: '2819c223-7f76-453a-919d-413861904646',
      userName: 'bjensen@example.com',
      active: false,
      meta: {
        resourceType: 'User',
        created: '2026-01-02T03:04:05.000Z',
        lastModified: '2026-02-03T04:05:06.000Z',
        location: `${BASE}/Users/2819c223-7f76-453a-919d-413861904646`,
        version: 'W/"3"',
      },
    });
  });

  it('returns a manager known only by id, without displayName', () => {
    const user = buildUserRecord({ enterprise: { ...buildUserRecord().enterprise, managerId: 'm-1' } });
    expect(userToScim(user, BASE)[ENTERPRISE]).toEqual({
      manager: { value: 'm-1', $ref: `${BASE}/Users/m-1` },
    });
  });

  it('keeps key order: schemas and id first, meta last', () => {
    const keys = Object.keys(userToScim(fullRecord, BASE));
    expect(keys.slice(0, 2)).toEqual(['schemas', 'id']);
    expect(keys[keys.length - 1]).toBe('meta');
  });
});

describe('userToScim → project', () => {
  it('feeds projection directly (a plain JSON object type)', () => {
    const resource: Record<string, unknown> = userToScim(fullRecord, BASE);
    expect(project(resource, { attributes: ['userName', `${ENTERPRISE}:department`] }, 'User')).toStrictEqual(
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
        id: fullRecord.id,
        userName: 'bjensen@example.com',
        active: true,
        [ENTERPRISE]: { department: 'Tour Operations' },
      },
    );
  });
});

describe('round trip (the PATCH layer maps userToScim → apply ops → userJsonToInput)', () => {
  it('reads back every writable attribute of a full representation', () => {
    const wire: unknown = JSON.parse(JSON.stringify(userToScim(fullRecord, BASE)));
    const input = userJsonToInput(wire);
    const expected: UserInput = {
      userName: fullRecord.userName,
      externalId: 'ext-1',
      active: true,
      displayName: 'Babs Jensen',
      name: fullRecord.name,
      nickName: 'Babs',
      profileUrl: 'https://login.example.com/bjensen',
      title: 'Tour Guide',
      userType: 'Employee',
      preferredLanguage: 'en-US',
      locale: 'en-US',
      timezone: 'America/Los_Angeles',
      emails: [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ],
      phoneNumbers: fullRecord.phoneNumbers,
      addresses: fullRecord.addresses,
      ims: fullRecord.ims,
      photos: fullRecord.photos,
      entitlements: fullRecord.entitlements,
      x509Certificates: fullRecord.x509Certificates,
      roles: fullRecord.roles,
      enterprise: fullRecord.enterprise,
    };
    expect(input).toEqual(expected);
  });

  it('is stable: mapping the read-back input again gives the same representation', () => {
    const once = userToScim(fullRecord, BASE);
    const input = userJsonToInput(once);
    const again = userToScim({ ...fullRecord, ...input, roles: fullRecord.roles }, BASE);
    expect(again).toEqual(once);
  });

  it('reads back a minimal user without inventing attributes', () => {
    const input = userJsonToInput(userToScim(buildUserRecord({ active: false }), BASE));
    expect(input).toStrictEqual({ userName: 'bjensen@example.com', active: false });
  });
});
