/**
 * One definition per resource (ADR 0007): every view derived from it must agree with it and with the
 * migrated database. Each block names the view that would have drifted.
 */
import { Client } from 'pg';
import { GROUP_DEFINITION } from '../../src/domain/groups/group.definition';
import { listAttributes, resolveAttribute } from '../../src/domain/query/registry';
import type { Attribute, ResourceDefinition } from '../../src/domain/schema/attribute';
import { storedFields } from '../../src/domain/schema/record';
import { USER_DEFINITION } from '../../src/domain/users/user.definition';
import { USER_COLUMNS, rowToUser } from '../../src/domain/users/user.row';
import { normalizeUserInput, userToInput } from '../../src/domain/users/user.normalize';
import { schemaDocuments } from '../../src/scim/protocol/discovery';
import { GROUP_SCHEMA, USER_SCHEMA } from '../../src/scim/protocol/patch/resource-schemas';
import {
  findAttr,
  findExtension,
  type AttrDef,
  type ResourceSchema,
} from '../../src/scim/protocol/patch/schema';
import { project } from '../../src/scim/protocol/projection';
import type { AttributeDefinition } from '../../src/scim/protocol/schema-definitions/attribute';
import { scimToUserInput, userToScim } from '../../src/scim/protocol/user-mapper';
import { createTestDatabase, type TestDatabase } from '../support/db';

const RESOURCES: [ResourceDefinition, ResourceSchema, 'app_user' | 'group'][] = [
  [USER_DEFINITION, USER_SCHEMA, 'app_user'],
  [GROUP_DEFINITION, GROUP_SCHEMA, 'group'],
];

const schemasOf = (def: ResourceDefinition) => [def.core, ...def.extensions];

describe('the /Schemas documents', () => {
  it('publish every advertised attribute of every definition, with its characteristics', () => {
    const docs = schemaDocuments('https://example.test/scim/v2/t');
    const byId = new Map(docs.map((d) => [d.id, d]));
    const same = (a: Attribute, published: AttributeDefinition | undefined): void => {
      expect(published).toMatchObject({
        name: a.name,
        type: a.type,
        multiValued: a.multiValued,
        required: a.required,
        caseExact: a.caseExact,
        mutability: a.mutability,
        returned: a.returned,
        uniqueness: a.uniqueness,
      });
      const subs = (a.subAttributes ?? []).filter((s) => s.advertised);
      expect(published?.subAttributes?.map((s) => s.name)).toEqual(
        a.subAttributes && subs.map((s) => s.name),
      );
      for (const sub of subs)
        same(
          sub,
          published?.subAttributes?.find((s) => s.name === sub.name),
        );
    };
    for (const [def] of RESOURCES) {
      for (const schema of schemasOf(def)) {
        const doc = byId.get(schema.id);
        const advertised = schema.attributes.filter((a) => a.advertised);
        expect(doc?.attributes.map((a) => a.name)).toEqual(advertised.map((a) => a.name));
        for (const a of advertised)
          same(
            a,
            doc?.attributes.find((p) => p.name === a.name),
          );
      }
    }
    expect(docs).toHaveLength(3);
  });
});

describe('the PATCH attribute model', () => {
  it('knows every attribute and sub-attribute by its canonical name, type and multi-valuedness', () => {
    for (const [def, patch] of RESOURCES) {
      for (const schema of schemasOf(def)) {
        const list =
          schema.id === def.core.id ? patch.attributes : findExtension(patch, schema.id)?.attributes;
        for (const a of schema.attributes) {
          const p: AttrDef | undefined = findAttr(list, a.name);
          expect([a.name, p?.name, p?.type, p?.multiValued ?? false]).toEqual([
            a.name,
            a.name,
            a.type,
            a.multiValued,
          ]);
          // What the server owns cannot be written; what cannot be unassigned is required.
          if (a.mutability === 'readOnly' || a.mutability === 'writeOnly')
            expect(p?.mutability).toBe(a.mutability);
          if (a.required) expect(p?.required).toBe(true);
          for (const sub of a.subAttributes ?? []) {
            expect([a.name, findAttr(p?.subAttributes, sub.name)?.type]).toEqual([a.name, sub.type]);
          }
        }
      }
    }
  });

  it('cannot unassign an attribute every representation carries', () => {
    expect(findAttr(USER_SCHEMA.attributes, 'active')?.required).toBe(true);
    expect(findAttr(USER_SCHEMA.attributes, 'userName')?.required).toBe(true);
    expect(findAttr(GROUP_SCHEMA.attributes, 'displayName')?.required).toBe(true);
  });
});

describe('projection', () => {
  it('keeps exactly the attributes the definitions mark returned "always", whatever is asked', () => {
    const user = userToScim(rowToUser(fullRow()), 'https://example.test/scim/v2/t');
    const always = USER_DEFINITION.core.attributes.filter((a) => a.returned === 'always').map((a) => a.name);
    expect(Object.keys(project(user, { attributes: ['nickName'] }, 'User')).sort()).toEqual(
      ['schemas', 'nickName', ...always].sort(),
    );
    expect(Object.keys(project(user, { excludedAttributes: always }, 'User'))).toEqual(
      expect.arrayContaining(always),
    );
  });
});

describe('the filter and sort registry', () => {
  it('resolves every stored attribute, with the caseExact and uniqueness the definition gives', () => {
    for (const [def] of RESOURCES) {
      for (const schema of schemasOf(def)) {
        for (const a of schema.attributes) {
          const paths: [string, Attribute][] = a.multiValued
            ? []
            : (a.subAttributes ?? []).map((s): [string, Attribute] => [`${a.name}.${s.name}`, s]);
          if (a.type !== 'complex') paths.push([a.name, a]);
          for (const [name, attr] of paths) {
            const path = {
              schema: schema.id.toLowerCase(),
              attr: name.split('.')[0]!,
              sub: name.split('.')[1],
            };
            if (attr.storage === undefined) {
              expect(() => resolveAttribute(def.kind, path)).toThrow(/Unknown attribute/);
              continue;
            }
            const resolved = resolveAttribute(def.kind, path);
            expect([name, resolved.def.kind === 'scalar' && resolved.def.caseExact]).toEqual([
              name,
              attr.caseExact,
            ]);
          }
          if (a.multiValued && a.storage) {
            const resolved = resolveAttribute(def.kind, { attr: a.name });
            expect(resolved.def.kind).toBe('multi');
            for (const sub of a.subAttributes ?? []) {
              if (sub.storage === undefined && a.storage.kind === 'relation') continue;
              const s = resolveAttribute(def.kind, { attr: a.name, sub: sub.name }).sub;
              expect([`${a.name}.${sub.name}`, s?.caseExact]).toEqual([
                `${a.name}.${sub.name}`,
                sub.caseExact,
              ]);
            }
          }
        }
      }
      // Nothing in the registry that the definition does not describe.
      const described = new Set(
        schemasOf(def).flatMap((s) =>
          s.attributes.flatMap((a) => [a.name, ...(a.subAttributes ?? []).map((x) => `${a.name}.${x.name}`)]),
        ),
      );
      for (const attr of listAttributes(def.kind)) expect(described).toContain(attr.scimPath);
    }
  });
});

describe('rows and records', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('every column the definitions store exists in the migrated database with a matching type', async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      for (const [def, , table] of RESOURCES) {
        const { rows } = await client.query<{ column_name: string; data_type: string }>(
          `select column_name, data_type from information_schema.columns where table_name = $1`,
          [table],
        );
        const types = new Map(rows.map((r) => [r.column_name, r.data_type]));
        const columns = schemasOf(def).flatMap((s) =>
          s.attributes
            .flatMap((a) => [a, ...(a.subAttributes ?? [])])
            .flatMap((a) => {
              const st = a.storage;
              return st && (st.kind === 'column' || st.kind === 'jsonb')
                ? [[st.column, st.kind, a.type] as const]
                : [];
            }),
        );
        expect(columns.length).toBeGreaterThan(3);
        for (const [column, kind, type] of columns) {
          const expected =
            kind === 'jsonb'
              ? 'jsonb'
              : type === 'boolean'
                ? 'boolean'
                : type === 'dateTime'
                  ? 'timestamp with time zone'
                  : column.endsWith('id') && column !== 'external_id'
                    ? 'uuid'
                    : 'text';
          expect(`${table}.${column} ${types.get(column)}`).toBe(`${table}.${column} ${expected}`);
        }
      }
    } finally {
      await client.end();
    }
  });

  it('maps a row with every stored column to a record and back to the same columns', () => {
    const row = fullRow();
    const user = rowToUser(row);
    for (const c of USER_COLUMNS) {
      const value = c.get(user);
      expect([c.column, c.json ? JSON.stringify(value) : value]).toEqual([
        c.column,
        c.json ? JSON.stringify(row[c.column]) : row[c.column],
      ]);
    }
    expect(user.enterprise.managerId).toBe(row.manager_id);
  });

  it('renders every stored User attribute over SCIM and reads the representation back unchanged', () => {
    const user = rowToUser(fullRow());
    const json = userToScim(user, 'https://example.test/scim/v2/t');
    const input = normalizeUserInput(scimToUserInput(json));
    const { roles, ...expected } = userToInput(user);
    expect(input).toEqual(expected);
    expect(roles).toHaveLength(1);
    // fullRow gives every stored field a value that differs from its absent value, so a field the
    // mapper did not render or did not read back would come back as its absent value here.
    for (const f of storedFields(USER_DEFINITION))
      expect(input).not.toHaveProperty(f.path as string[], f.absent);
  });
});

/** An app_user row with a distinct value in every column the definition stores. */
function fullRow(): Record<string, unknown> {
  const row: Record<string, unknown> = {
    id: '00000000-0000-4000-8000-000000000001',
    tenant_id: '00000000-0000-4000-8000-0000000000aa',
    source: 'SCIM',
    version: 3,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-02T00:00:00.000Z',
    roles_json: [{ value: 'Admin', display: 'Administrator', type: 'app', primary: true }],
    manager_id: '00000000-0000-4000-8000-000000000002',
    manager_user_name: 'boss@example.test',
    manager_display_name: 'Boss',
  };
  for (const f of storedFields(USER_DEFINITION)) {
    if (f.resolved) continue;
    row[f.column] =
      f.type === 'boolean'
        ? false
        : f.type === 'list'
          ? f.column === 'addresses'
            ? [{ type: 'work', locality: `${f.column}-locality`, primary: true }]
            : [{ value: `${f.column}-value`, type: 'work', primary: true }]
          : `${f.column}-text`;
  }
  return row;
}
