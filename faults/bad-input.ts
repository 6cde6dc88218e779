/**
 * Bad input, as hostile or careless clients send it: each case is one HTTP request to the running
 * service and the statuses it may answer. Used by `npm run faults` (against a real process) and by
 * the test suite (against the app in process). No case may get a 5xx, hang, or change data.
 *
 * Conventions for runners (requestOf applies them):
 * - Placeholders, replaced in `path`, `body` and header values before sending:
 *     `{userId}`  the id of a user that exists in the tenant (created by the runner's setup),
 *     `{groupId}` the id of a group that exists in the tenant.
 *   Ids that must not exist are written out (NONEXISTENT_ID below).
 * - Authentication (unless `auth: false`): SCIM cases get `Authorization: Bearer <the tenant's SCIM
 *   token>`; GraphQL cases get `Authorization: Bearer <an API key of the same tenant with every
 *   scope>`. A case's own `authorization` header replaces the runner's.
 * - Content-Type: when a body is sent and `headers` has no content-type, the runner sends
 *   `application/scim+json` (SCIM) or `application/json` (GraphQL).
 * - SCIM answers must be `application/scim+json` with an RFC 7644 §3.12 error body whose `status`
 *   is the HTTP status; GraphQL answers must be JSON with a non-empty `errors` array.
 */
export interface BadInputCase {
  /** What the case is, in a few words ("PATCH with op 'explode'"). */
  name: string;
  transport: 'scim' | 'graphql';
  method: string;
  /** For SCIM, relative to the tenant's Provisioning URL ("/Users"); for GraphQL, "/graphql". */
  path: string;
  /** Extra headers; authentication is added by the runner unless `auth: false`. */
  headers?: Record<string, string>;
  /** The raw body, sent byte for byte (undefined: no body). */
  body?: string;
  /** Raw body bytes, base64-encoded, sent instead of `body` (bytes that are not valid UTF-8). */
  bodyBase64?: string;
  /** false: send no Authorization header. */
  auth?: boolean;
  /** Acceptable statuses (all 4xx, or 200 for GraphQL errors answered with data: null). */
  expect: number[];
}

/** A well-formed UUID no resource has. */
export const NONEXISTENT_ID = '00000000-0000-4000-8000-00000000dead';

/** What a runner knows of the tenant a case is sent to. */
export interface CaseTarget {
  /** The tenant's Provisioning URL (SCIM paths are appended to it). */
  scimBase: string;
  /** The service's base URL (GraphQL paths are appended to it). */
  serviceUrl: string;
  scimToken: string;
  /** An API key of the tenant with every scope. */
  apiKey: string;
  userId: string;
  groupId: string;
}

/** A case as the request to send, with the conventions above applied (one place for both runners). */
export function requestOf(
  c: BadInputCase,
  t: CaseTarget,
): { url: string; method: string; headers: Record<string, string>; body: string | Buffer | undefined } {
  const fill = (text: string) => text.replaceAll('{userId}', t.userId).replaceAll('{groupId}', t.groupId);
  const scim = c.transport === 'scim';
  const headers: Record<string, string> = {};
  if (c.auth !== false) headers.authorization = `Bearer ${scim ? t.scimToken : t.apiKey}`;
  const body =
    c.bodyBase64 !== undefined
      ? Buffer.from(c.bodyBase64, 'base64')
      : c.body !== undefined
        ? fill(c.body)
        : undefined;
  if (body !== undefined) headers['content-type'] = scim ? 'application/scim+json' : 'application/json';
  // The case's own headers win over the runner's.
  for (const [k, v] of Object.entries(c.headers ?? {})) headers[k.toLowerCase()] = fill(v);
  return { url: `${scim ? t.scimBase : t.serviceUrl}${fill(c.path)}`, method: c.method, headers, body };
}

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const scim = (
  name: string,
  method: string,
  path: string,
  body: string | undefined,
  expect: number[],
  more: Partial<BadInputCase> = {},
): BadInputCase => ({
  name,
  transport: 'scim',
  method,
  path,
  ...(body !== undefined && { body }),
  expect,
  ...more,
});

const gql = (
  name: string,
  body: string | undefined,
  expect: number[],
  more: Partial<BadInputCase> = {},
): BadInputCase => ({
  name,
  transport: 'graphql',
  method: 'POST',
  path: '/graphql',
  ...(body !== undefined && { body }),
  expect,
  ...more,
});

const patchBody = (ops: unknown): string => JSON.stringify({ schemas: [PATCH_OP], Operations: ops });
const gqlBody = (query: string, variables?: unknown): string =>
  JSON.stringify({ query, ...(variables !== undefined && { variables }) });

// ---------------------------------------------------------------------------------------------
// SCIM
// ---------------------------------------------------------------------------------------------

/** Every SCIM request that reads a JSON body. */
const BODY_ENDPOINTS: Array<[string, string]> = [
  ['POST', '/Users'],
  ['PUT', '/Users/{userId}'],
  ['PATCH', '/Users/{userId}'],
  ['POST', '/Groups'],
  ['PUT', '/Groups/{groupId}'],
  ['PATCH', '/Groups/{groupId}'],
  ['POST', '/.search'],
  ['POST', '/Users/.search'],
  ['POST', '/Groups/.search'],
];

const MALFORMED_JSON: Array<[string, string]> = [
  ['an unclosed object', '{'],
  ['a truncated string', '{"userName":"trunc'],
  ['a trailing comma', '{"userName":"a@x.com",}'],
  ['single quotes', "{'userName':'a@x.com'}"],
  ['two concatenated objects', '{"a":1}{"b":2}'],
  ['an empty body', ''],
  ['only whitespace', ' \n\t '],
  ['NaN as a value', '{"userName":NaN}'],
];

const malformedJson: BadInputCase[] = BODY_ENDPOINTS.flatMap(([method, path]) =>
  MALFORMED_JSON.map(([what, body]) =>
    scim(`${method} ${path}: malformed JSON (${what})`, method, path, body, [400]),
  ),
);

const NOT_AN_OBJECT = ['null', '[]', '"userName"', '42', 'true'];
const notAnObject: BadInputCase[] = BODY_ENDPOINTS.flatMap(([method, path]) =>
  NOT_AN_OBJECT.map((body) =>
    scim(`${method} ${path}: JSON ${body} instead of an object`, method, path, body, [400]),
  ),
);

const deepArray = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
const deepObject = `{"userName":"deep@x.com","x":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`;
const nesting: BadInputCase[] = [
  ...BODY_ENDPOINTS.map(([method, path]) =>
    scim(`${method} ${path}: 50,000 nested arrays`, method, path, deepArray, [400]),
  ),
  scim('POST /Users: an attribute nested 5,000 objects deep', 'POST', '/Users', deepObject, [400]),
  scim(
    'PATCH /Users: a value nested 70 arrays deep',
    'PATCH',
    '/Users/{userId}',
    patchBody([{ op: 'add', path: 'title', value: JSON.parse(`${'['.repeat(70)}"x"${']'.repeat(70)}`) }]),
    [400],
  ),
  scim(
    'POST /Users: a body over the size limit (6 MB)',
    'POST',
    '/Users',
    `{"userName":"big@x.com","title":"${'x'.repeat(6 * 1024 * 1024)}"}`,
    [413],
  ),
  scim(
    'POST /Users: 100,000 unknown attributes',
    'POST',
    '/Users',
    `{${Array.from({ length: 100_000 }, (_, i) => `"a${i}":1`).join(',')}}`,
    [400],
  ),
];

const contentTypes: BadInputCase[] = [
  ['text/plain', 415],
  ['application/xml', 415],
  ['application/x-www-form-urlencoded', 415],
  ['multipart/form-data; boundary=x', 415],
  ['text/json', 415],
].flatMap(([type, status]) => [
  scim(
    `POST /Users with Content-Type ${type}`,
    'POST',
    '/Users',
    '{"userName":"ct@x.com"}',
    [status as number],
    { headers: { 'content-type': type as string } },
  ),
  scim(
    `PATCH /Groups with Content-Type ${type}`,
    'PATCH',
    '/Groups/{groupId}',
    patchBody([{ op: 'replace', path: 'displayName', value: 'ct' }]),
    [status as number],
    {
      headers: { 'content-type': type as string },
    },
  ),
]);

const nul: BadInputCase[] = [
  scim('POST /Users: NUL in userName', 'POST', '/Users', '{"userName":"a\\u0000b@x.com"}', [400]),
  scim(
    'POST /Users: NUL in an attribute name',
    'POST',
    '/Users',
    '{"userName":"nul@x.com","ti\\u0000tle":"x"}',
    [400],
  ),
  scim(
    'POST /Users: NUL in an email',
    'POST',
    '/Users',
    '{"userName":"nul2@x.com","emails":[{"value":"a\\u0000"}]}',
    [400],
  ),
  scim('POST /Groups: NUL in displayName', 'POST', '/Groups', '{"displayName":"G\\u0000"}', [400]),
  scim(
    'PATCH /Users: NUL in a value',
    'PATCH',
    '/Users/{userId}',
    patchBody([{ op: 'replace', path: 'displayName', value: 'a\u0000b' }]),
    [400],
  ),
  scim(
    'PATCH /Groups: NUL in a member id',
    'PATCH',
    '/Groups/{groupId}',
    patchBody([{ op: 'add', path: 'members', value: [{ value: '\u0000' }] }]),
    [400],
  ),
  scim(
    'POST /.search: NUL in the filter',
    'POST',
    '/.search',
    JSON.stringify({ filter: 'userName eq "\u0000"' }),
    [400],
  ),
  scim(
    'GET /Users: NUL in the filter (%00)',
    'GET',
    `/Users?filter=${encodeURIComponent('userName eq "a\u0000"')}`,
    undefined,
    [400],
  ),
];

const b64 = (text: string, bytes: number[]): string => {
  const [before, after] = text.split('@@') as [string, string];
  return Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]).toString('base64');
};
const invalidUtf8: BadInputCase[] = (
  [
    ['a lone continuation byte', [0x80]],
    ['a truncated two-byte sequence', [0xc3]],
    ['an overlong slash', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['0xFF', [0xff]],
  ] as Array<[string, number[]]>
).flatMap(([what, bytes]) => [
  scim(`POST /Users: invalid UTF-8 in userName (${what})`, 'POST', '/Users', undefined, [400], {
    bodyBase64: b64('{"userName":"u@@x@x.com"}', bytes),
  }),
  scim(
    `PATCH /Groups: invalid UTF-8 in displayName (${what})`,
    'PATCH',
    '/Groups/{groupId}',
    undefined,
    [400],
    {
      bodyBase64: b64(
        `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"replace","path":"displayName","value":"G@@"}]}`,
        bytes,
      ),
    },
  ),
]);

/**
 * Attribute values of the wrong type: none may create a user. (Unknown or malformed member and
 * manager ids are NOT bad input for SCIM: Entra expects them skipped, ADR 0003; numbers are
 * accepted for string attributes.)
 */
const WRONG_USER_VALUES: Array<[string, unknown]> = [
  ['userName', 5.5e300],
  ['userName', {}],
  ['userName', ['a@x.com']],
  ['userName', true],
  ['userName', ''],
  ['userName', '   '],
  ['name', 'Alice'],
  ['name', [{ givenName: 'A' }]],
  ['name', { givenName: {} }],
  ['displayName', { a: 1 }],
  ['nickName', []],
  ['profileUrl', true],
  ['title', ['x']],
  ['userType', {}],
  ['preferredLanguage', false],
  ['locale', []],
  ['timezone', {}],
  ['externalId', {}],
  ['active', 'maybe'],
  ['active', 1],
  ['active', {}],
  ['emails', 'a@x.com'],
  ['emails', [1, 2]],
  ['emails', [{ value: {} }]],
  ['emails', [{ value: 'a@x.com', primary: 'sometimes' }]],
  ['phoneNumbers', {}],
  ['ims', [['x']]],
  ['photos', [{ value: [] }]],
  ['addresses', [{ country: {} }]],
  ['addresses', 'Main Street'],
  ['entitlements', [true]],
  ['roles', 'Admin'],
  ['roles', [{ value: {} }]],
  ['roles', [{ value: 'Admin', primary: 'perhaps' }]],
  ['x509Certificates', [{ value: 5.5, display: {} }]],
  ['schemas', 'urn:ietf:params:scim:schemas:core:2.0:User'],
  ['schemas', [5]],
  [ENTERPRISE, 'x'],
  [ENTERPRISE, { manager: 5 }],
  [ENTERPRISE, { manager: { value: {} } }],
  [ENTERPRISE, { department: [] }],
];

const wrongUserTypes: BadInputCase[] = WRONG_USER_VALUES.flatMap(([attr, value], i) => {
  const body = JSON.stringify({ userName: `wrong${i}@x.com`, [attr]: value });
  const label = `${attr} = ${JSON.stringify(value).slice(0, 40)}`;
  return [
    scim(`POST /Users: ${label}`, 'POST', '/Users', body, [400]),
    ...(i % 3 === 0 ? [scim(`PUT /Users/{userId}: ${label}`, 'PUT', '/Users/{userId}', body, [400])] : []),
  ];
});

const WRONG_GROUP_VALUES: Array<[string, unknown]> = [
  ['displayName', 5],
  ['displayName', ''],
  ['displayName', ['G']],
  ['displayName', {}],
  ['members', 'x'],
  ['members', [5]],
  ['members', [{}]],
  ['members', { value: '{userId}' }],
  ['externalId', {}],
];

const wrongGroupTypes: BadInputCase[] = WRONG_GROUP_VALUES.flatMap(([attr, value], i) => {
  const body = JSON.stringify({ displayName: `Wrong ${i}`, [attr]: value });
  const label = `${attr} = ${JSON.stringify(value)}`;
  return [
    scim(`POST /Groups: ${label}`, 'POST', '/Groups', body, [400]),
    scim(`PUT /Groups/{groupId}: ${label}`, 'PUT', '/Groups/{groupId}', body, [400]),
  ];
});

const BAD_FILTERS = [
  '((userName eq "a")',
  'userName eq "a")',
  'userName eq "unterminated',
  'userName xx "a"',
  'userName eq',
  'userName',
  'eq "a"',
  'userName eq "a" and',
  'not userName eq "a"',
  'emails[type eq "work"',
  'emails[]',
  'emails[type eq "work"]]',
  'emails[type eq "x"][value eq "y"]',
  'userName eq "\\x"',
  'nosuchattribute eq "a"',
  'meta.created gt "not a date"',
  'userName eq 1e999',
  `${'('.repeat(40)}userName eq "a"${')'.repeat(40)}`,
  Array.from({ length: 1_001 }, (_, i) => `userName eq "u${i}"`).join(' or '),
  `userName eq "${'x'.repeat(10_000)}" and`,
  // 10,000 conditions: the SQL compiler's recursion overflowed the stack on this (a 500).
  Array.from({ length: 10_000 }, (_, i) => `userName eq "u${i}"`).join(' or '),
  'x'.repeat(10_000),
  'userName eq "a" or or userName eq "b"',
];

const filters: BadInputCase[] = BAD_FILTERS.flatMap((f, i) => {
  const short = f.length > 40 ? `${f.slice(0, 40)}… (${f.length} chars)` : f;
  const cases = [
    scim(`POST /.search filter ${short}`, 'POST', '/.search', JSON.stringify({ filter: f }), [400]),
  ];
  // URLs stay under the header size limit; the long filters go through .search only.
  if (f.length < 2_000) {
    cases.push(
      scim(`GET /Users?filter=${short}`, 'GET', `/Users?filter=${encodeURIComponent(f)}`, undefined, [400]),
    );
    if (i % 2 === 0)
      cases.push(
        scim(
          `GET /Groups?filter=${short}`,
          'GET',
          `/Groups?filter=${encodeURIComponent(f)}`,
          undefined,
          [400],
        ),
      );
  }
  return cases;
});

const listParams: BadInputCase[] = [
  'count=abc',
  'count=1.5',
  'count=99999999999',
  'startIndex=abc',
  'startIndex=1e3',
  'startIndex=99999999999',
  'sortBy=nosuchattribute',
  'sortBy=emails',
  'sortBy=userName&sortOrder=sideways',
  'cursor=abc',
  `cursor=${'A'.repeat(3_000)}`,
  'filter=userName%20eq',
].flatMap((q, i) => [
  scim(`GET /Users?${q.slice(0, 50)}`, 'GET', `/Users?${q}`, undefined, [400]),
  ...(i % 2 === 0 ? [scim(`GET /Groups?${q.slice(0, 50)}`, 'GET', `/Groups?${q}`, undefined, [400])] : []),
]);
listParams.push(
  scim('POST /.search: count as an object', 'POST', '/.search', '{"count":{}}', [400]),
  scim(
    'POST /.search: startIndex as a string of letters',
    'POST',
    '/Users/.search',
    '{"startIndex":"first"}',
    [400],
  ),
  scim('POST /.search: filter as a number', 'POST', '/Groups/.search', '{"filter":5}', [400]),
  scim('POST /.search: filter as an array of objects', 'POST', '/.search', '{"filter":[{}]}', [400]),
);

const BAD_PATCHES: Array<[string, string, string, string]> = [
  ['no Operations', 'Users', '{}', ''],
  ['Operations not an array', 'Users', '{"Operations":{"op":"add"}}', ''],
  [
    'a resource body sent as PATCH',
    'Users',
    '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}',
    '',
  ],
  ['an operation that is null', 'Users', patchBody([null]), ''],
  ['an operation that is a string', 'Groups', patchBody(['add']), ''],
  ["op 'explode'", 'Users', patchBody([{ op: 'explode', path: 'title', value: 'x' }]), ''],
  ['op missing', 'Groups', patchBody([{ path: 'displayName', value: 'x' }]), ''],
  ['op a number', 'Users', patchBody([{ op: 1, path: 'title', value: 'x' }]), ''],
  ['add without a value', 'Users', patchBody([{ op: 'add', path: 'title' }]), ''],
  ['remove without a path', 'Users', patchBody([{ op: 'remove' }]), ''],
  ['path a number', 'Users', patchBody([{ op: 'replace', path: 5, value: 'x' }]), ''],
  [
    'path with an unclosed bracket',
    'Users',
    patchBody([{ op: 'replace', path: 'emails[type eq "work"', value: 'x' }]),
    '',
  ],
  [
    'path with two sub-attributes',
    'Users',
    patchBody([{ op: 'replace', path: 'name.givenName.x', value: 'x' }]),
    '',
  ],
  [
    'a filter on a single-valued attribute',
    'Users',
    patchBody([{ op: 'replace', path: 'title[value eq "x"]', value: 'x' }]),
    '',
  ],
  [
    'replace active with "maybe"',
    'Users',
    patchBody([{ op: 'replace', path: 'active', value: 'maybe' }]),
    '',
  ],
  ['replace userName with null', 'Users', patchBody([{ op: 'replace', path: 'userName', value: null }]), ''],
  ['remove userName', 'Users', patchBody([{ op: 'remove', path: 'userName' }]), ''],
  ['replace userName with ""', 'Users', patchBody([{ op: 'replace', path: 'userName', value: '' }]), ''],
  ['replace id', 'Users', patchBody([{ op: 'replace', path: 'id', value: NONEXISTENT_ID }]), ''],
  [
    'replace meta.created',
    'Users',
    patchBody([{ op: 'replace', path: 'meta.created', value: '2020-01-01' }]),
    '',
  ],
  ['replace groups', 'Users', patchBody([{ op: 'replace', path: 'groups', value: [] }]), ''],
  ['replace name with a string', 'Users', patchBody([{ op: 'replace', path: 'name', value: 'Alice' }]), ''],
  ['path-less replace with a string value', 'Users', patchBody([{ op: 'replace', value: 'x' }]), ''],
  [
    'replace emails with objects in values',
    'Users',
    patchBody([{ op: 'replace', path: 'emails', value: [{ value: { a: 1 } }] }]),
    '',
  ],
  [
    'replace with a filter no eq template can build',
    'Users',
    patchBody([{ op: 'replace', path: 'emails[type ne "work"].value', value: 'a@x.com' }]),
    '',
  ],
  [
    '2,000 operations of which the last is invalid',
    'Users',
    patchBody([
      ...Array.from({ length: 2_000 }, () => ({ op: 'replace', path: 'title', value: 't' })),
      { op: 'explode' },
    ]),
    '',
  ],
  ['displayName removed', 'Groups', patchBody([{ op: 'remove', path: 'displayName' }]), ''],
  ['displayName emptied', 'Groups', patchBody([{ op: 'replace', path: 'displayName', value: '' }]), ''],
  [
    'add members with no value',
    'Groups',
    patchBody([{ op: 'add', path: 'members', value: [{ display: 'x' }] }]),
    '',
  ],
  [
    'add the group to itself',
    'Groups',
    patchBody([{ op: 'add', path: 'members', value: [{ value: '{groupId}' }] }]),
    '',
  ],
  [
    'members filter other than value eq',
    'Groups',
    patchBody([{ op: 'remove', path: 'members[display eq "x"]' }]),
    '',
  ],
  [
    'members sub-attribute without a filter',
    'Groups',
    patchBody([{ op: 'replace', path: 'members.value', value: 'x' }]),
    '',
  ],
  ['replace the group id', 'Groups', patchBody([{ op: 'replace', path: 'id', value: NONEXISTENT_ID }]), ''],
  [
    'members filter with 1,001 or-ed ids',
    'Groups',
    patchBody([
      {
        op: 'remove',
        path: `members[${Array.from({ length: 1_001 }, (_, i) => `value eq "m${i}"`).join(' or ')}]`,
      },
    ]),
    '',
  ],
];

const badPatches: BadInputCase[] = BAD_PATCHES.map(([what, endpoint, body]) =>
  scim(
    `PATCH /${endpoint}: ${what}`,
    'PATCH',
    `/${endpoint}/${endpoint === 'Users' ? '{userId}' : '{groupId}'}`,
    body,
    [400],
  ),
);

const validUserPatch = patchBody([{ op: 'replace', path: 'title', value: 'never applied' }]);
const validGroupPatch = patchBody([{ op: 'replace', path: 'displayName', value: 'never applied' }]);
const missing: BadInputCase[] = [
  scim('GET a user that does not exist', 'GET', `/Users/${NONEXISTENT_ID}`, undefined, [404]),
  scim('GET a user by a non-UUID id', 'GET', '/Users/not-a-uuid', undefined, [404]),
  scim('GET a group by a path-injection id', 'GET', '/Groups/..%2F..%2Fadmin', undefined, [404]),
  scim(
    'PUT a user that does not exist',
    'PUT',
    `/Users/${NONEXISTENT_ID}`,
    '{"userName":"ghost@x.com"}',
    [404],
  ),
  scim('PUT a user by a non-UUID id', 'PUT', '/Users/not-a-uuid', '{"userName":"ghost@x.com"}', [404]),
  scim('PATCH a user that does not exist', 'PATCH', `/Users/${NONEXISTENT_ID}`, validUserPatch, [404]),
  scim('PATCH a user by a non-UUID id', 'PATCH', '/Users/12345', validUserPatch, [404]),
  scim('DELETE a user that does not exist', 'DELETE', `/Users/${NONEXISTENT_ID}`, undefined, [404]),
  scim('DELETE a user by a non-UUID id', 'DELETE', '/Users/%00', undefined, [404]),
  scim(
    'PUT a group that does not exist',
    'PUT',
    `/Groups/${NONEXISTENT_ID}`,
    '{"displayName":"Ghost"}',
    [404],
  ),
  scim('PATCH a group that does not exist', 'PATCH', `/Groups/${NONEXISTENT_ID}`, validGroupPatch, [404]),
  scim('PATCH a group by a non-UUID id', 'PATCH', '/Groups/not-a-uuid', validGroupPatch, [404]),
  scim('DELETE a group that does not exist', 'DELETE', `/Groups/${NONEXISTENT_ID}`, undefined, [404]),
  scim('DELETE a group by a very long id', 'DELETE', `/Groups/${'a'.repeat(2_000)}`, undefined, [404]),
  scim('GET a user id that is a group id', 'GET', '/Users/{groupId}', undefined, [404]),
  scim('GET a group id that is a user id', 'GET', '/Groups/{userId}', undefined, [404]),
];

const methods: BadInputCase[] = [
  ['DELETE', '/Users'],
  ['PUT', '/Users'],
  ['PATCH', '/Users'],
  ['DELETE', '/Groups'],
  ['PATCH', '/Groups'],
  ['POST', '/Users/{userId}'],
  ['POST', '/Groups/{groupId}'],
  ['GET', '/.search'],
  ['DELETE', '/Users/.search'],
  ['POST', '/ServiceProviderConfig'],
  ['DELETE', '/Schemas'],
  ['PUT', '/ResourceTypes'],
].map(([method, path]) =>
  scim(
    `${method} ${path} (method not allowed)`,
    method!,
    path!,
    method === 'GET' || method === 'DELETE' ? undefined : '{}',
    [404, 405],
  ),
);

const discovery: BadInputCase[] = [
  scim('GET an unknown schema', 'GET', '/Schemas/urn:nope', undefined, [404]),
  scim('GET an unknown resource type', 'GET', '/ResourceTypes/Nope', undefined, [404]),
  scim('GET a path under ServiceProviderConfig', 'GET', '/ServiceProviderConfig/x', undefined, [404]),
  scim('GET /Bulk (not supported)', 'GET', '/Bulk', undefined, [404, 405]),
  scim('POST /Bulk (not supported)', 'POST', '/Bulk', '{"Operations":[]}', [404, 405]),
  scim('GET /Me (not supported)', 'GET', '/Me', undefined, [404, 405]),
  scim('GET an unknown endpoint', 'GET', '/Nope', undefined, [404]),
  scim('GET a path with a broken percent-escape', 'GET', '/Users/%E0%A4%A', undefined, [400, 404]),
];

const authorization: BadInputCase[] = [
  scim('GET /Users without Authorization', 'GET', '/Users', undefined, [401], { auth: false }),
  scim('POST /Users without Authorization', 'POST', '/Users', '{"userName":"noauth@x.com"}', [401], {
    auth: false,
  }),
  scim('DELETE a user without Authorization', 'DELETE', '/Users/{userId}', undefined, [401], { auth: false }),
  scim('GET /Users with a wrong token', 'GET', '/Users', undefined, [401], {
    auth: false,
    headers: { authorization: 'Bearer wrong-token' },
  }),
  scim('Basic instead of Bearer', 'GET', '/Users', undefined, [401], {
    auth: false,
    headers: { authorization: 'Basic dXNlcjpwYXNz' },
  }),
  scim('Bearer without a token', 'GET', '/Users', undefined, [401], {
    auth: false,
    headers: { authorization: 'Bearer' },
  }),
  scim('Bearer with only spaces', 'GET', '/Users', undefined, [401], {
    auth: false,
    headers: { authorization: 'Bearer      ' },
  }),
  scim('a 10,000-character token', 'GET', '/Users', undefined, [401], {
    auth: false,
    headers: { authorization: `Bearer ${'x'.repeat(10_000)}` },
  }),
  scim('a JWT-shaped token', 'GET', '/Users', undefined, [401], {
    auth: false,
    headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
  }),
  scim('DELETE a group with a wrong token', 'DELETE', '/Groups/{groupId}', undefined, [401], {
    auth: false,
    headers: { authorization: 'Bearer scim_0000000000000000' },
  }),
  scim('PATCH a user with a wrong token', 'PATCH', '/Users/{userId}', validUserPatch, [401], {
    auth: false,
    headers: { authorization: 'Bearer nope' },
  }),
];

const etags: BadInputCase[] = [
  scim('PATCH a user with a stale If-Match', 'PATCH', '/Users/{userId}', validUserPatch, [412], {
    headers: { 'if-match': 'W/"999999"' },
  }),
  scim('PUT a user with a stale If-Match', 'PUT', '/Users/{userId}', '{"userName":"etag@x.com"}', [412], {
    headers: { 'if-match': 'W/"999999"' },
  }),
  scim('DELETE a user with a stale If-Match', 'DELETE', '/Users/{userId}', undefined, [412], {
    headers: { 'if-match': 'W/"999999"' },
  }),
  scim('PATCH a group with a stale If-Match', 'PATCH', '/Groups/{groupId}', validGroupPatch, [412], {
    headers: { 'if-match': 'W/"999999"' },
  }),
  scim('DELETE a group with a stale If-Match', 'DELETE', '/Groups/{groupId}', undefined, [412], {
    headers: { 'if-match': 'W/"999999"' },
  }),
  scim('PATCH a user with a malformed If-Match', 'PATCH', '/Users/{userId}', validUserPatch, [400, 412], {
    headers: { 'if-match': 'garbage' },
  }),
  scim(
    'PATCH a user with an If-Match of 5,000 characters',
    'PATCH',
    '/Users/{userId}',
    validUserPatch,
    [400, 412],
    { headers: { 'if-match': `W/"${'9'.repeat(5_000)}"` } },
  ),
  scim('DELETE a group with a negative version', 'DELETE', '/Groups/{groupId}', undefined, [400, 412], {
    headers: { 'if-match': 'W/"-1"' },
  }),
];

const scimCases: BadInputCase[] = [
  ...malformedJson,
  ...notAnObject,
  ...nesting,
  ...contentTypes,
  ...nul,
  ...invalidUtf8,
  ...wrongUserTypes,
  ...wrongGroupTypes,
  ...filters,
  ...listParams,
  ...badPatches,
  ...missing,
  ...methods,
  ...discovery,
  ...authorization,
  ...etags,
];

// ---------------------------------------------------------------------------------------------
// GraphQL
// ---------------------------------------------------------------------------------------------

const fragmentBomb = (() => {
  const lines = ['fragment F0 on Query { viewer { scopes } }'];
  for (let i = 1; i <= 25; i++) lines.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
  return `query Bomb { ...F25 }\n${lines.join('\n')}`;
})();
const aliasBomb = `{ ${Array.from({ length: 1_000 }, (_, i) => `a${i}: users(first: 0) { totalCount }`).join(' ')} }`;
const deepQuery = (levels: number): string =>
  `query($id: ID!) { group(id: $id) { ${'parents { nodes { '.repeat(levels)}id${' } }'.repeat(levels)} } }`;

const graphqlCases: BadInputCase[] = [
  gql('malformed JSON', '{"query": "{ viewer { scopes } }"', [400]),
  gql('an empty body', '', [400]),
  gql('JSON null', 'null', [400]),
  gql('a JSON string', '"{ viewer { scopes } }"', [400]),
  gql('no query', '{}', [400]),
  gql('query a number', '{"query": 5}', [400]),
  gql('query null', '{"query": null}', [400]),
  gql('query an array', '{"query": ["{ viewer { scopes } }"]}', [400]),
  gql('variables a number', '{"query": "{ viewer { scopes } }", "variables": 5}', [400]),
  gql('variables an array', '{"query": "{ viewer { scopes } }", "variables": [1]}', [400]),
  gql('operationName a number', '{"query": "{ viewer { scopes } }", "operationName": 5}', [400]),
  gql('a syntax error (unclosed brace)', gqlBody('{ users { totalCount '), [400]),
  gql('a syntax error (stray token)', gqlBody('query }}}'), [400]),
  gql('an empty query string', gqlBody(''), [400]),
  gql('a query of only a comment', gqlBody('# nothing'), [400]),
  gql('an unknown field', gqlBody('{ nope }'), [400]),
  gql('an unknown argument', gqlBody('{ users(bogus: 1) { totalCount } }'), [400]),
  gql(
    'an unknown operationName',
    JSON.stringify({ query: '{ viewer { scopes } }', operationName: 'Nope' }),
    [400],
  ),
  gql(
    'two operations without an operationName',
    gqlBody('query A { viewer { scopes } } query B { viewer { scopes } }'),
    [400],
  ),
  gql(
    'a wrong variable type (string for Int)',
    gqlBody('query($n: Int) { users(first: $n) { totalCount } }', { n: 'ten' }),
    [400],
  ),
  gql('a missing required variable', gqlBody('query($id: ID!) { user(id: $id) { id } }'), [400]),
  gql(
    'a variable object for an ID',
    gqlBody('query($id: ID!) { user(id: $id) { id } }', { id: { a: 1 } }),
    [400],
  ),
  gql(
    'an Int over 32 bits',
    gqlBody('query($n: Int) { users(first: $n) { totalCount } }', { n: 2 ** 40 }),
    [400],
  ),
  gql('a negative page size', gqlBody('{ users(first: -5) { totalCount } }'), [200, 400]),
  gql('a malformed SCIM filter', gqlBody('{ users(scimFilter: "userName eq") { totalCount } }'), [200, 400]),
  gql(
    'a SCIM filter with 1,001 conditions',
    gqlBody('query($f: String) { users(scimFilter: $f) { totalCount } }', {
      f: Array.from({ length: 1_001 }, (_, i) => `userName eq "u${i}"`).join(' or '),
    }),
    [200, 400],
  ),
  gql('a malformed cursor', gqlBody('{ users(after: "not-a-cursor") { totalCount } }'), [200, 400]),
  gql(
    'a 1 MB string variable',
    gqlBody('query($u: String!) { userByUserName(userName: $u) { id } }', { u: 'x'.repeat(1024 * 1024) }),
    [200, 400, 413],
  ),
  gql(
    'NUL in a variable',
    gqlBody('query($u: String!) { userByUserName(userName: $u) { id } }', { u: 'a\u0000b' }),
    [200, 400],
  ),
  gql(
    'NUL in a SCIM filter',
    gqlBody('query($f: String) { users(scimFilter: $f) { totalCount } }', { f: 'userName eq "\u0000"' }),
    [200, 400],
  ),
  gql(
    'NUL in a mutation input',
    gqlBody('mutation($n: String!) { createUser(input: { userName: $n }) { id } }', { n: 'nul\u0000@x.com' }),
    [200, 400],
  ),
  gql(
    'createUser with an empty userName',
    gqlBody('mutation { createUser(input: { userName: "" }) { id } }'),
    [200, 400],
  ),
  gql(
    'createUser with a manager that does not exist',
    gqlBody(
      `mutation { createUser(input: { userName: "orphan@x.com", managerId: "${NONEXISTENT_ID}" }) { id } }`,
    ),
    [200, 400],
  ),
  gql('deleteUser of a non-UUID id', gqlBody('mutation { deleteUser(id: "not-a-uuid") { id } }'), [200, 400]),
  gql(
    'deleteGroup of a group that does not exist',
    gqlBody(`mutation { deleteGroup(id: "${NONEXISTENT_ID}") { id } }`),
    [200, 400],
  ),
  gql(
    'addGroupMembers with a non-UUID member',
    gqlBody('mutation { addGroupMembers(groupId: "{groupId}", memberIds: ["not-a-uuid"]) { id } }'),
    [200, 400],
  ),
  gql(
    'addGroupMembers of the group to itself',
    gqlBody('mutation { addGroupMembers(groupId: "{groupId}", memberIds: ["{groupId}"]) { id } }'),
    [200, 400],
  ),
  gql(
    'a batched array body',
    '[{"query": "{ viewer { scopes } }"}, {"query": "{ viewer { scopes } }"}]',
    [400],
  ),
  gql('an empty batch', '[]', [400]),
  gql('a mutation over GET', undefined, [400, 405], {
    method: 'GET',
    path: `/graphql?query=${encodeURIComponent('mutation { deleteUser(id: "{userId}") { id } }')}`,
  }),
  gql('GET without a query', undefined, [400], { method: 'GET', path: '/graphql' }),
  gql('GET with a malformed variables parameter', undefined, [400], {
    method: 'GET',
    path: `/graphql?query=${encodeURIComponent('{ viewer { scopes } }')}&variables=%7B`,
  }),
  gql('POST as text/plain (CSRF prevention)', gqlBody('{ viewer { scopes } }'), [400, 415], {
    headers: { 'content-type': 'text/plain' },
  }),
  gql('POST as form data', 'query=%7B%20viewer%20%7B%20scopes%20%7D%20%7D', [400, 415], {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  }),
  gql('no Authorization', gqlBody('{ users { totalCount } }'), [200, 401], { auth: false }),
  gql('a wrong API key', gqlBody('{ users { totalCount } }'), [200, 401], {
    auth: false,
    headers: { authorization: 'Bearer cpk_wrong' },
  }),
  gql('Basic authentication', gqlBody('{ users { totalCount } }'), [200, 401], {
    auth: false,
    headers: { authorization: 'Basic dXNlcjpwYXNz' },
  }),
  gql('Bearer without a token', gqlBody('{ users { totalCount } }'), [200, 401], {
    auth: false,
    headers: { authorization: 'Bearer ' },
  }),
  gql('a malformed JWT', gqlBody('{ users { totalCount } }'), [200, 401], {
    auth: false,
    headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.bad' },
  }),
  gql('a query 30 levels deep', gqlBody(deepQuery(30), { id: '{groupId}' }), [200, 400]),
  gql('a fragment bomb (2^25 fields through 25 fragment levels)', gqlBody(fragmentBomb), [400]),
  gql('an alias bomb (1,000 aliases of users)', gqlBody(aliasBomb), [400]),
  gql('a directive on an unknown name', gqlBody('{ viewer @nope { scopes } }'), [400]),
  gql(
    'a fragment cycle',
    gqlBody('query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }'),
    [400],
  ),
];

export const BAD_INPUT_CASES: BadInputCase[] = [...scimCases, ...graphqlCases];
