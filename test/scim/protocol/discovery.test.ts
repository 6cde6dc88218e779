import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  findResourceType,
  findSchema,
  resourceTypesListResponse,
  schemasListResponse,
  serviceProviderConfig,
} from '../../../src/scim/protocol/discovery';
import type { AttributeDefinition } from '../../../src/scim/protocol/schema-definitions/attribute';
import { UNKNOWN_MEMBER_POLICY } from '../../../src/domain/groups/group.definition';
import {
  SCHEMA_CHECKPROOF_SERVICE_PROVIDER_CONFIG,
  SCHEMA_ENTERPRISE_USER,
  SCHEMA_GROUP,
  SCHEMA_USER,
} from '../../../src/scim/protocol/schemas';

const BASE = 'https://example.test/scim/v2/tenant-id';
const OPTIONS = { maxResults: 1000, maxBodyBytes: 5 * 1024 * 1024 };
const SNAPSHOTS = path.join(__dirname, '../../fixtures/scim/discovery');

/**
 * The discovery documents are committed as JSON so that API changes show up in review. When a change
 * is intended: `UPDATE_SNAPSHOTS=1 npx jest test/scim/protocol/discovery.test.ts`, then review the diff.
 */
describe('discovery documents match the committed snapshots', () => {
  const documents: [string, unknown][] = [
    ['ServiceProviderConfig', serviceProviderConfig(BASE, OPTIONS)],
    ['ResourceTypes', resourceTypesListResponse(BASE)],
    ['Schemas', schemasListResponse(BASE)],
  ];

  it.each(documents)('%s.json', (name, document) => {
    const file = path.join(SNAPSHOTS, `${name}.json`);
    if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
    expect(existsSync(file)).toBe(true);
    const committed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    // Compare what a client receives (JSON), so key order and undefined values count too.
    expect(JSON.stringify(document, null, 2)).toBe(JSON.stringify(committed, null, 2));
  });
});

function walk(
  attributes: AttributeDefinition[],
  visit: (a: AttributeDefinition, path: string) => void,
  prefix = '',
) {
  for (const a of attributes) {
    visit(a, `${prefix}${a.name}`);
    if (a.subAttributes) walk(a.subAttributes, visit, `${prefix}${a.name}.`);
  }
}

function attributeOf(schemaId: string, attrPath: string): AttributeDefinition {
  let found: AttributeDefinition | undefined;
  walk(findSchema(BASE, schemaId)?.attributes ?? [], (a, p) => {
    if (p === attrPath) found = a;
  });
  if (!found) throw new Error(`${schemaId} has no attribute ${attrPath}`);
  return found;
}

describe('/Schemas', () => {
  const schemas = schemasListResponse(BASE);

  it('lists core User, enterprise User and core Group in a ListResponse', () => {
    expect(schemas.Resources.map((s) => s.id)).toEqual([SCHEMA_USER, SCHEMA_ENTERPRISE_USER, SCHEMA_GROUP]);
    expect(schemas).toMatchObject({ totalResults: 3, itemsPerPage: 3, startIndex: 1 });
  });

  it('spells out every characteristic of every attribute (RFC 7643 §7)', () => {
    for (const schema of schemas.Resources) {
      walk(schema.attributes, (a, p) => {
        const where = `${schema.name}.${p}`;
        expect([
          where,
          Object.keys(a).filter((k) => !['canonicalValues', 'referenceTypes', 'subAttributes'].includes(k)),
        ]).toEqual([
          where,
          [
            'name',
            'type',
            'multiValued',
            'description',
            'required',
            'caseExact',
            'mutability',
            'returned',
            'uniqueness',
          ],
        ]);
        expect([where, a.type === 'complex' ? (a.subAttributes?.length ?? 0) > 0 : !a.subAttributes]).toEqual(
          [where, true],
        );
        expect([
          where,
          a.type === 'reference' ? (a.referenceTypes?.length ?? 0) > 0 : !a.referenceTypes,
        ]).toEqual([where, true]);
        expect(a.description.length).toBeGreaterThan(0);
      });
    }
  });

  it.each([
    [
      SCHEMA_USER,
      'id',
      { mutability: 'readOnly', returned: 'always', caseExact: true, uniqueness: 'server' },
    ],
    [SCHEMA_USER, 'externalId', { caseExact: true, uniqueness: 'none', mutability: 'readWrite' }],
    [
      SCHEMA_USER,
      'userName',
      { required: true, caseExact: false, uniqueness: 'server', returned: 'default' },
    ],
    [SCHEMA_USER, 'active', { type: 'boolean', returned: 'always' }],
    [SCHEMA_USER, 'meta', { type: 'complex', mutability: 'readOnly' }],
    [SCHEMA_USER, 'emails.type', { canonicalValues: ['work', 'home', 'other'] }],
    [
      SCHEMA_USER,
      'phoneNumbers.type',
      { canonicalValues: ['work', 'home', 'mobile', 'fax', 'pager', 'other'] },
    ],
    [SCHEMA_USER, 'groups', { multiValued: true, mutability: 'readOnly' }],
    [
      SCHEMA_USER,
      'groups.$ref',
      { type: 'reference', mutability: 'readOnly', referenceTypes: ['User', 'Group'] },
    ],
    [SCHEMA_USER, 'x509Certificates.value', { type: 'binary' }],
    [SCHEMA_USER, 'profileUrl', { type: 'reference', referenceTypes: ['external'] }],
    [SCHEMA_ENTERPRISE_USER, 'manager', { type: 'complex', multiValued: false }],
    [SCHEMA_ENTERPRISE_USER, 'manager.value', { type: 'string', mutability: 'readWrite' }],
    [SCHEMA_ENTERPRISE_USER, 'manager.$ref', { type: 'reference', referenceTypes: ['User'] }],
    [SCHEMA_ENTERPRISE_USER, 'manager.displayName', { mutability: 'readOnly' }],
    [SCHEMA_GROUP, 'displayName', { required: true, caseExact: false, uniqueness: 'server' }],
    [SCHEMA_GROUP, 'members', { type: 'complex', multiValued: true }],
    [SCHEMA_GROUP, 'members.value', { mutability: 'immutable' }],
    [SCHEMA_GROUP, 'members.$ref', { type: 'reference', referenceTypes: ['User', 'Group'] }],
    [SCHEMA_GROUP, 'members.type', { canonicalValues: ['User', 'Group'] }],
    [SCHEMA_GROUP, 'members.display', { mutability: 'readOnly' }],
  ])('%s %s', (schemaId, attrPath, expected) => {
    expect(attributeOf(schemaId, attrPath)).toMatchObject(expected);
  });

  it('documents that unknown member ids are skipped and logged as warnings', () => {
    expect(UNKNOWN_MEMBER_POLICY).toMatch(/skipped.*succeeds.*warning.*provisioning log/);
    expect(attributeOf(SCHEMA_GROUP, 'members').description).toContain(UNKNOWN_MEMBER_POLICY);
  });

  it('finds one schema by URN case-insensitively; unknown ids are undefined', () => {
    expect(findSchema(BASE, SCHEMA_ENTERPRISE_USER.toUpperCase())?.name).toBe('EnterpriseUser');
    expect(findSchema(BASE, `${SCHEMA_USER}s`)).toBeUndefined();
    expect(findSchema(`${BASE}/`, SCHEMA_GROUP)?.meta).toEqual({
      resourceType: 'Schema',
      location: `${BASE}/Schemas/${SCHEMA_GROUP}`,
    });
  });
});

describe('/ResourceTypes', () => {
  it('lists User (enterprise extension optional) and Group, each schema published in /Schemas', () => {
    const types = resourceTypesListResponse(BASE);
    expect(types.Resources.map((t) => [t.id, t.endpoint, t.schema, t.schemaExtensions])).toEqual([
      ['User', '/Users', SCHEMA_USER, [{ schema: SCHEMA_ENTERPRISE_USER, required: false }]],
      ['Group', '/Groups', SCHEMA_GROUP, []],
    ]);
    for (const t of types.Resources) {
      for (const id of [t.schema, ...t.schemaExtensions.map((e) => e.schema)])
        expect(findSchema(BASE, id)).toBeDefined();
    }
  });

  it('finds one resource type by id case-insensitively; unknown ids are undefined', () => {
    expect(findResourceType(BASE, 'user')?.meta.location).toBe(`${BASE}/ResourceTypes/User`);
    expect(findResourceType(BASE, 'Users')).toBeUndefined();
  });
});

describe('/ServiceProviderConfig', () => {
  it('advertises what the server supports', () => {
    expect(serviceProviderConfig(BASE, OPTIONS)).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 1000 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      pagination: {
        cursor: true,
        index: true,
        defaultPaginationMethod: 'index',
        defaultPageSize: 100,
        maxPageSize: 1000,
        cursorTimeout: 3600,
      },
      authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }],
      meta: { resourceType: 'ServiceProviderConfig', location: `${BASE}/ServiceProviderConfig` },
    });
  });

  it('publishes the body limit and the documented decisions in its extension', () => {
    const config = serviceProviderConfig(BASE, OPTIONS);
    expect(config.schemas).toContain(SCHEMA_CHECKPROOF_SERVICE_PROVIDER_CONFIG);
    const extension = config[SCHEMA_CHECKPROOF_SERVICE_PROVIDER_CONFIG];
    expect(extension.maxRequestBodyBytes).toBe(5 * 1024 * 1024);
    expect(extension.documentation).toContain(UNKNOWN_MEMBER_POLICY);
  });

  it('never pages beyond maxResults and accepts explicit paging settings', () => {
    expect(serviceProviderConfig(BASE, { maxResults: 50, maxBodyBytes: 1024 }).pagination).toMatchObject({
      defaultPageSize: 50,
      maxPageSize: 50,
    });
    const custom = serviceProviderConfig(BASE, {
      ...OPTIONS,
      defaultPageSize: 25,
      cursorTimeoutSeconds: 600,
    });
    expect(custom.pagination).toMatchObject({ defaultPageSize: 25, cursorTimeout: 600 });
  });
});
