/**
 * fast-check generators for the SCIM PATCH engine: PATCH bodies in RFC and Entra dialects and
 * realistic users, so the properties reach the code past the first syntax check. Used by the PATCH
 * properties (patch.properties.ts, short runs in jest, long runs in `npm run fuzz`).
 */
import fc from 'fast-check';
import {
  anyText,
  attrName,
  attrPathText,
  caseVariants,
  ENTERPRISE_URN,
  filterText,
  GROUP_URN,
  mutated,
  oneOfWords,
  USER_URN,
  valueText,
} from '../../domain/query/filter.arbitraries';

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

// ---------------------------------------------------------------------------------------------
// PATCH (RFC 7644 §3.5.2 and Entra's dialect)
// ---------------------------------------------------------------------------------------------

const USER_PATH_ATTRS = [
  'userName',
  'displayName',
  'nickName',
  'title',
  'active',
  'externalId',
  'id',
  'schemas',
  'meta',
  'meta.version',
  'password',
  'name',
  'name.givenName',
  'name.familyName',
  'name.formatted',
  'emails',
  'emails.value',
  'emails.primary',
  'phoneNumbers',
  'phoneNumbers.value',
  'addresses',
  'addresses.country',
  'roles',
  'roles.value',
  'roles.primary',
  'groups',
  'entitlements',
  'x509Certificates',
  'photos',
  'ims',
  'preferredLanguage',
  'department',
  'manager',
  'employeeNumber',
  ENTERPRISE_URN,
  `${ENTERPRISE_URN}:manager`,
  `${ENTERPRISE_URN}:manager.value`,
  `${ENTERPRISE_URN}:manager.displayName`,
  `${ENTERPRISE_URN}:employeeNumber`,
  `${ENTERPRISE_URN}:department`,
  `${USER_URN}:userName`,
  `${USER_URN}:name.givenName`,
  'unknownAttribute',
  'urn:example:ext:1.0:User:thing',
];

const GROUP_PATH_ATTRS = [
  'displayName',
  'externalId',
  'id',
  'members',
  'members.value',
  'members.display',
  'meta',
  `${GROUP_URN}:displayName`,
  `${GROUP_URN}:members`,
];

const FILTERABLE = [
  'emails',
  'phoneNumbers',
  'addresses',
  'roles',
  'members',
  'ims',
  'entitlements',
  'photos',
  'x509Certificates',
  'groups',
  'name',
  'displayName',
];
const ENTRY_KEYS = [
  'value',
  'type',
  'primary',
  'display',
  'displayName',
  '$ref',
  'country',
  'formatted',
  'id',
  'bogus',
  'constructor',
  'toString',
];

/** A bracket filter over entry sub-attributes, valid or nearly so. */
const entryFilterText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(oneOfWords(ENTRY_KEYS), oneOfWords(['eq', 'eq', 'ne', 'co', 'sw', 'gt']), valueText)
      .map(([k, o, v]) => `${k} ${o} ${v}`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        oneOfWords(['value', 'type', 'primary']),
        valueText,
        oneOfWords(['value', 'type', 'display']),
        valueText,
      )
      .map(([a, v, b, w]) => `${a} eq ${v} and ${b} eq ${w}`),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(valueText, { minLength: 1, maxLength: 4 })
      .map((vs) => vs.map((v) => `value eq ${v}`).join(' or ')),
  },
  { weight: 1, arbitrary: fc.tuple(oneOfWords(ENTRY_KEYS), caseVariants('pr')).map(([k, p]) => `${k} ${p}`) },
  { weight: 1, arbitrary: filterText },
);

/** A PATCH path: plain, sub-attribute, URN-qualified, value filter with optional `.sub`, or junk. */
export function patchPath(attrs: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...attrs).chain(caseVariants) },
    {
      weight: 5,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...FILTERABLE).chain(caseVariants),
          entryFilterText,
          fc.option(oneOfWords(['.value', '.type', '.primary', '.display', '.bogus']), { nil: '' }),
        )
        .map(([a, f, sub]) => `${a}[${f}]${sub}`),
    },
    { weight: 1, arbitrary: mutated(fc.constantFrom(...attrs)) },
    { weight: 1, arbitrary: attrPathText },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        'emails[',
        'members[value eq "x"',
        'members[]',
        'a[b eq 1][c eq 2]',
        'emails[type eq "work"].value.x',
        'name.givenName.x',
      ),
    },
    { weight: 1, arbitrary: anyText },
  );
}

/** Values of every JSON type, with the strings Entra sends. */
const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('True', 'False', 'true', 'FALSE', '', ' ', 'x@contoso.com', 'work', '1', 'null'),
  fc.uuid(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

const roleJson: fc.Arbitrary<string> = fc
  .record({ id: fc.uuid(), value: scalar, displayName: scalar }, { requiredKeys: [] })
  .map((r) => JSON.stringify(r));

/** A multi-valued entry as clients send it (keys in any case, values of any type). */
const entry: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.dictionary(
      oneOfWords(ENTRY_KEYS),
      fc.oneof({ weight: 5, arbitrary: scalar }, roleJson, fc.jsonValue({ maxDepth: 2 })),
      { maxKeys: 4 },
    ),
  },
  { weight: 1, arbitrary: fc.record({ value: roleJson }) },
  { weight: 1, arbitrary: scalar },
);

/** Path-less add/replace values: objects keyed by attribute paths, as Entra sends them. */
const pathKeyedObject: fc.Arbitrary<unknown> = fc.dictionary(
  fc.oneof(patchPath(USER_PATH_ATTRS), patchPath(GROUP_PATH_ATTRS)),
  fc.oneof(
    scalar,
    fc.array(entry, { maxLength: 3 }),
    fc.dictionary(
      fc.oneof(attrName, oneOfWords(['manager', 'employeeNumber', 'givenName', 'value'])),
      scalar,
      { maxKeys: 3 },
    ),
  ),
  { maxKeys: 4 },
);

export const patchValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 3, arbitrary: fc.array(entry, { maxLength: 4 }) },
  { weight: 2, arbitrary: entry },
  { weight: 2, arbitrary: pathKeyedObject },
  { weight: 1, arbitrary: fc.record({ value: fc.oneof(scalar, fc.uuid()) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

const opName: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 10, arbitrary: oneOfWords(['add', 'replace', 'remove']) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(' add ', 'explode', '', 'move', 'copy', 'test', 1, null, true, ['add'], {
      op: 'add',
    }),
  },
);

/** One operation: op/path/value in any key case, sometimes missing, with Entra's stray keys. */
export function patchOperation(attrs: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .tuple(
          caseVariants('op'),
          opName,
          caseVariants('path'),
          fc.option(
            fc.oneof(
              { weight: 9, arbitrary: patchPath(attrs) },
              { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
            ),
            { nil: undefined },
          ),
          caseVariants('value'),
          fc.option(patchValue, { nil: undefined, freq: 4 }),
          fc.option(fc.constantFrom({ name: 'addMember' }, { $ref: null }, { Path: 'x' }), {
            nil: undefined,
          }),
        )
        .map(([opKey, op, pathKey, path, valueKey, value, stray]) => ({
          ...stray,
          [opKey]: op,
          ...(path !== undefined && { [pathKey]: path }),
          ...(value !== undefined && { [valueKey]: value }),
        })),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

/** A PATCH body: mostly a PatchOp envelope around near-valid operations, sometimes anything. */
export function patchBody(attrs: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .tuple(
          fc.option(
            fc.oneof(
              { weight: 8, arbitrary: fc.constant([PATCH_OP]) },
              fc.constant(PATCH_OP),
              fc.constant([USER_URN]),
              fc.jsonValue({ maxDepth: 1 }),
            ),
            { nil: undefined, freq: 5 },
          ),
          caseVariants('Operations'),
          fc.oneof(
            { weight: 12, arbitrary: fc.array(patchOperation(attrs), { maxLength: 5 }) },
            fc.jsonValue({ maxDepth: 2 }),
          ),
        )
        .map(([schemas, key, ops]) => ({ ...(schemas !== undefined && { schemas }), [key]: ops })),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true }) },
  );
}

export const userPatchBody = patchBody(USER_PATH_ATTRS);
export const groupPatchBody = patchBody(GROUP_PATH_ATTRS);

// ---------------------------------------------------------------------------------------------
// Resources (the server-side input of a user PATCH: what userToScim emits)
// ---------------------------------------------------------------------------------------------

const shortText = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.constantFrom('work', 'home', 'Work', 'x@contoso.com', 'True'),
);

const storedEntry = fc.record(
  { value: shortText, type: shortText, display: shortText, primary: fc.boolean() },
  { requiredKeys: ['value'] },
);

/** A user as `userToScim` represents it (core, enterprise extension, multi-valued attributes). */
export const scimUser: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      id: fc.uuid(),
      userName: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== ''),
      active: fc.boolean(),
      displayName: shortText,
      externalId: shortText,
      title: shortText,
      name: fc.record(
        { givenName: shortText, familyName: shortText, formatted: shortText },
        { requiredKeys: [] },
      ),
      emails: fc.array(storedEntry, { minLength: 1, maxLength: 3 }),
      phoneNumbers: fc.array(storedEntry, { minLength: 1, maxLength: 2 }),
      roles: fc.array(storedEntry, { minLength: 1, maxLength: 2 }),
      addresses: fc.array(
        fc.record(
          { country: shortText, locality: shortText, type: shortText, primary: fc.boolean() },
          { requiredKeys: [] },
        ),
        { minLength: 1, maxLength: 2 },
      ),
      enterprise: fc.record(
        {
          employeeNumber: shortText,
          department: shortText,
          manager: fc.uuid().map((id) => ({
            value: id,
            $ref: `https://directory.test/scim/v2/t/Users/${id}`,
            displayName: 'Boss',
          })),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['id', 'userName', 'active'] },
  )
  .map(({ enterprise, ...user }) => {
    // Stored users have at most one primary entry per attribute (RFC 7643 §2.4).
    for (const list of [user.emails, user.phoneNumbers, user.roles, user.addresses]) {
      let seen = false;
      for (const e of list ?? []) {
        if (e.primary === true && seen) e.primary = false;
        seen ||= e.primary === true;
      }
    }
    const hasExt = enterprise !== undefined && Object.keys(enterprise).length > 0;
    return {
      schemas: hasExt ? [USER_URN, ENTERPRISE_URN] : [USER_URN],
      ...user,
      ...(hasExt && { [ENTERPRISE_URN]: enterprise }),
      meta: {
        resourceType: 'User',
        created: '2024-01-01T00:00:00.000Z',
        lastModified: '2024-01-02T00:00:00.000Z',
        location: `https://directory.test/scim/v2/t/Users/${user.id}`,
        version: 'W/"3"',
      },
    };
  });
