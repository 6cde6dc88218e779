/**
 * Golden responses: a fixed sequence of SCIM and GraphQL requests whose responses (status, the headers
 * that matter, and the exact body text as sent) are compared with a snapshot recorded from the code
 * before the refactor (commit ddc522b). Any difference in a response is a behaviour change.
 *
 * What is normalised (only values that differ from run to run):
 * - the tenant id → `<tenant>`;
 * - other UUIDs → `<id-N>` (`<ID-N>` if sent upper-case), numbered in order of first appearance in
 *   this file's transcript (request lines, headers and bodies alike);
 * - timestamps → `<time>` for `2026-01-02T03:04:05.678Z`, `<time:####-##-## ##:##:##.#…+##>` (digits
 *   masked, a fraction of any length as `.#…`) for any other layout, so a change of layout still
 *   shows; the fixed 2001 dates the requests send are left alone;
 * - content-length → `(body bytes)` when it is the byte length of the body (cursors that embed a
 *   time vary in length), the number otherwise;
 * - secrets (`cpd_scim_…`, `cpd_key_…`) → `cpd_scim_<secret:N>` (N = length of the random part);
 * - opaque keyset cursors (base64url JSON) → `⟨cursor {…decoded…}⟩`, normalised in turn.
 * Nothing else is touched: key order, spacing and escaping are as received. Bodies are shown with a
 * line break inserted after each `,` that precedes `"`, `{` or `[` (for readable diffs); the bodies
 * have no line breaks of their own (a real one would show as `⏎`).
 *
 * Determinism: requests are sent one at a time, and `randomUUID` (which the service uses for ids of
 * tenants, users, groups and credentials) counts up, so lists ordered by id (members of a group)
 * come out in creation order on every run. The first step checks that the ids come from it.
 */
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  let n = 0;
  const randomUUID = () => {
    n += 1;
    return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  };
  return new Proxy(actual, {
    get: (target, key) => (key === 'randomUUID' ? randomUUID : Reflect.get(target, key)),
  });
});

import { createTestDatabase, type TestDatabase } from '../support/db';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/app';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
/** A well-formed id no record has. */
const NO_SUCH_ID = '00000000-0000-4000-8000-ffffffffffff';
/** Headers that vary on every request or describe the connection, not the response. */
const IGNORED_HEADERS = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);

let db: TestDatabase;
let app: TestApp;

// ---------------------------------------------------------------------------------------------
// Normalisation

const UUID_RE = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const TIME_RE = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?/g;
const SECRET_RE = /cpd_(scim|key)_([A-Za-z0-9_-]+)/g;
const CURSOR_IN_JSON_RE = /"(cursor|nextCursor|endCursor|startCursor)":"([A-Za-z0-9_-]+)"/g;
const CURSOR_IN_QUERY_RE = /([?&]cursor=)([A-Za-z0-9_-]+)/g;

const ids = new Map<string, number>();
let tenantId = '';

function decodeCursor(raw: string): string {
  try {
    const text = Buffer.from(raw, 'base64url').toString('utf8');
    if (Buffer.from(text, 'utf8').toString('base64url') !== raw) return raw;
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? `⟨cursor ${text}⟩` : raw;
  } catch {
    return raw;
  }
}

function normalise(text: string): string {
  let out = text
    .replace(CURSOR_IN_JSON_RE, (_m, key: string, raw: string) => `"${key}":"${decodeCursor(raw)}"`)
    .replace(CURSOR_IN_QUERY_RE, (_m, pre: string, raw: string) => `${pre}${decodeCursor(raw)}`)
    .replace(SECRET_RE, (_m, kind: string, rest: string) => `cpd_${kind}_<secret:${rest.length}>`);
  if (tenantId) out = out.split(tenantId).join('<tenant>').split(tenantId.toUpperCase()).join('<TENANT>');
  out = out.replace(UUID_RE, (uuid) => {
    const key = uuid.toLowerCase();
    if (!ids.has(key)) ids.set(key, ids.size + 1);
    const label = `id-${ids.get(key)}`;
    return uuid === key ? `<${label}>` : `<${label.toUpperCase()}>`;
  });
  return out.replace(TIME_RE, (t) => {
    if (/^2001-/.test(t)) return t;
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(t)) return '<time>';
    // Other layouts (PostgreSQL's text form inside cursors) drop trailing zeros of the fraction.
    return `<time:${t.replace(/\d/g, '#').replace(/\.#+/, '.#…')}>`;
  });
}

/** The body text as received, with soft line breaks for readable diffs (see the file comment). */
function showBody(text: string): string {
  if (text === '') return '(empty body)';
  return text.replace(/\n/g, '⏎\n').replace(/,(?=["{[])/g, ',\n');
}

// ---------------------------------------------------------------------------------------------
// Transcript

let transcript: string[] = [];
/** Requests are numbered within each part (`03.012`), so a part that stops early renumbers only itself. */
let step = 0;

/** The two-digit number the current test's name starts with. */
function partNumber(): string {
  const name = expect.getState().currentTestName ?? '';
  return /golden responses (\d\d)/.exec(name)?.[1] ?? '??';
}

interface Reply {
  status: number;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
  headers: Headers;
}

async function send(label: string, shownRequest: string, url: string, init: RequestInit): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: any = undefined; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  // The tenant is named before its response is normalised, so its id never becomes an <id-N>.
  if (!tenantId && typeof json?.data?.createTenant?.tenant?.id === 'string') {
    tenantId = json.data.createTenant.tenant.id;
  }
  step += 1;
  const headers = [...res.headers.entries()]
    .filter(([name]) => !IGNORED_HEADERS.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) =>
      name === 'content-length' && Number(value) === Buffer.byteLength(text)
        ? `${name}: (body bytes)`
        : `${name}: ${value}`,
    );
  transcript.push(
    normalise(
      [
        `### ${partNumber()}.${String(step).padStart(3, '0')} ${shownRequest} — ${label}`,
        `status: ${res.status}`,
        ...headers,
        '',
        showBody(text),
        '',
      ].join('\n'),
    ),
  );
  return { status: res.status, text, json, headers: res.headers };
}

/**
 * Runs one part of the sequence and compares its transcript with the snapshot. A step that cannot
 * go on (an expected field missing from a response) ends the part with a line saying so, so the
 * snapshot diff still shows every response up to there.
 */
async function part(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    transcript.push(normalise(`!!! The sequence stopped here: ${message}\n`));
  }
  expect(takeTranscript()).toMatchSnapshot();
}

/** The transcript of the requests since the last call, as one snapshot string. */
function takeTranscript(): string {
  const out = `\n${transcript.join('\n')}`;
  transcript = [];
  step = 0;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Clients

let scimBase = '';
let scimToken = '';
let apiKey = '';

function scim(
  label: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return send(label, `${method} ${path}`, `${scimBase}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${scimToken}`,
      ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function gql(
  label: string,
  query: string,
  variables: Record<string, unknown> = {},
  token: string | null = apiKey,
): Promise<Reply> {
  return send(label, 'POST /graphql', `${app.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
}

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

// Ids of the records the sequence creates, by role.
const u: Record<string, string> = {};
const g: Record<string, string> = {};

describe('golden responses', () => {
  it('00 setup: a tenant and an API key over the operator GraphQL API', () =>
    part(async () => {
      const created = await gql(
        'createTenant (operator)',
        `mutation($s: String!) { createTenant(input: { slug: $s, name: "Golden Tenant" }) {
        tenant { id slug name createdAt } scimUrl scimToken } }`,
        { s: 'golden' },
        ADMIN_TOKEN,
      );
      const out = created.json.data.createTenant;
      // Service ids must come from the counting randomUUID above, or lists ordered by id would not
      // be repeatable (see the file comment): fail here, plainly, rather than flake later.
      if (!/^00000000-0000-4000-8000-/.test(out.tenant.id)) {
        throw new Error(
          `Tenant id ${out.tenant.id} was not made by node:crypto randomUUID; the golden test needs deterministic ids.`,
        );
      }
      scimToken = out.scimToken;
      scimBase = String(out.scimUrl).replace('http://directory.test', app.url);
      const key = await gql(
        'createApiKey with every scope (operator)',
        `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) {
        apiKey { id name prefix scopes createdAt lastUsedAt revokedAt } secret } }`,
        { i: { tenantId, name: 'golden', scopes: ['DIRECTORY_READ', 'DIRECTORY_WRITE', 'TENANT_ADMIN'] } },
        ADMIN_TOKEN,
      );
      apiKey = key.json.data.createApiKey.secret;
      await gql('viewer', `{ viewer { kind scopes subject tenantId } }`);
      await gql('tenants (operator)', `{ tenants { id slug name createdAt } }`, {}, ADMIN_TOKEN);
      await gql('provisioning', `{ provisioning { scimUrl tokens { id name prefix createdAt revokedAt } } }`);
    }));

  it('01 SCIM discovery', () =>
    part(async () => {
      await scim('service provider config', 'GET', '/ServiceProviderConfig');
      await scim("the Postman collection's name for it", 'GET', '/serviceConfiguration');
      const types = await scim('resource types', 'GET', '/ResourceTypes');
      for (const t of types.json.Resources as Array<{ id: string }>) {
        await scim(`resource type ${t.id}`, 'GET', `/ResourceTypes/${t.id}`);
      }
      await scim('unknown resource type', 'GET', '/ResourceTypes/Printer');
      const schemas = await scim('schemas', 'GET', '/Schemas');
      for (const s of schemas.json.Resources as Array<{ id: string }>) {
        await scim(`schema ${s.id}`, 'GET', `/Schemas/${s.id}`);
      }
      await scim('unknown schema', 'GET', `/Schemas/urn:example:nothing`);
    }));

  it('02 SCIM users: create and read', () =>
    part(async () => {
      u.boss = (
        await scim('minimal POST', 'POST', '/Users', { schemas: [USER], userName: 'grace.boss@contoso.com' })
      ).json.id;
      u.ada = (
        await scim('POST with every attribute', 'POST', '/Users', {
          schemas: [USER, ENTERPRISE],
          externalId: 'ext-ada',
          userName: 'Ada.Lovelace@contoso.com',
          name: {
            formatted: 'Dr. Ada King Lovelace II',
            familyName: 'Lovelace',
            givenName: 'Ada',
            middleName: 'King',
            honorificPrefix: 'Dr.',
            honorificSuffix: 'II',
          },
          displayName: 'Ada Lovelace',
          nickName: 'Countess',
          profileUrl: 'https://contoso.com/people/ada',
          title: 'Engineer',
          userType: 'Employee',
          preferredLanguage: 'en-GB',
          locale: 'en-GB',
          timezone: 'Europe/London',
          active: true,
          emails: [
            { value: 'ada@contoso.com', type: 'work', primary: true },
            { value: 'ada@home.example', type: 'home', display: 'Home mail' },
          ],
          phoneNumbers: [
            { value: '+44 20 7946 0000', type: 'work', primary: true },
            { value: '+44 7700 900000', type: 'mobile' },
          ],
          ims: [{ value: 'ada@chat.example', type: 'xmpp' }],
          photos: [{ value: 'https://contoso.com/photos/ada.jpg', type: 'photo', primary: true }],
          addresses: [
            {
              type: 'work',
              formatted: '1 Analytical Way\nLondon W1 1AA\nGB',
              streetAddress: '1 Analytical Way',
              locality: 'London',
              region: 'Greater London',
              postalCode: 'W1 1AA',
              country: 'GB',
              primary: true,
            },
          ],
          entitlements: [{ value: 'engine-access', display: 'Engine access', type: 'license' }],
          roles: [
            {
              value: 'Admin',
              display: 'Administrator',
              type: 'WindowsAzureActiveDirectoryRole',
              primary: 'True',
            },
            { value: 'Reader', type: 'WindowsAzureActiveDirectoryRole', primary: 'False' },
          ],
          x509Certificates: [{ value: 'MIIDQTCCAimgAwIBAgITBmyfz5m/jAo54vB4ikPmljZbyjANBgkqhkiG9w0BAQsF' }],
          [ENTERPRISE]: {
            employeeNumber: '1815',
            costCenter: 'CC-42',
            organization: 'Contoso',
            division: 'Computing',
            department: 'Research',
            manager: { value: u.boss },
          },
          meta: { resourceType: 'User' },
        })
      ).json.id;
      u.bob = (
        await scim(
          'POST Entra-shaped (strings for booleans, nulls, misspelled extension URN)',
          'POST',
          '/Users',
          {
            schemas: [USER, 'urn:ietf:params:scim:schemas:extensions:enterprise:2.0:User'],
            externalId: 'ext-bob',
            userName: 'bob.brown@contoso.com',
            active: 'True',
            displayName: 'Bob Brown',
            nickName: null,
            title: 'Salesperson',
            name: { formatted: null, familyName: 'Brown', givenName: 'Bob' },
            emails: [{ primary: 'True', type: 'work', value: 'bob@contoso.com' }],
            phoneNumbers: null,
            roles: [],
            [ENTERPRISE]: { department: 'Sales', employeeNumber: '2002' },
          },
        )
      ).json.id;
      u.carol = (
        await scim('POST with a JSON-encoded app role', 'POST', '/Users', {
          schemas: [USER, ENTERPRISE],
          externalId: 'ext-carol',
          userName: 'carol.chen@contoso.com',
          active: true,
          displayName: 'Carol Chen',
          title: 'Engineer',
          userType: 'Contractor',
          name: { familyName: 'Chen', givenName: 'Carol' },
          emails: [
            { primary: true, type: 'work', value: 'carol@contoso.com' },
            { type: 'other', value: 'carol@partner.example' },
          ],
          roles: [
            {
              value:
                '{"id":"8e3a7a57-4a1d-4b8e-9c71-0b0f7e8f1a11","value":"Auditor","displayName":"Auditor"}',
            },
          ],
          [ENTERPRISE]: { department: 'Research', manager: u.ada },
        })
      ).json.id;
      u.dave = (
        await scim('POST, inactive', 'POST', '/Users', {
          userName: 'dave.diaz@example.org',
          active: false,
          name: { familyName: 'Diaz', givenName: 'Dave' },
          emails: [{ type: 'home', value: 'dave@example.org' }],
          [ENTERPRISE]: { department: 'Sales' },
        })
      ).json.id;

      await scim('GET the full user', 'GET', `/Users/${u.ada}`);
      await scim('GET a minimal user', 'GET', `/Users/${u.boss}`);
      await scim(
        'attributes= simple, dotted and URN-qualified',
        'GET',
        `/Users/${u.ada}?attributes=userName,name.givenName,${ENTERPRISE}:department,${ENTERPRISE}:manager.value`,
      );
      await scim(
        'attributes= a whole complex attribute and meta',
        'GET',
        `/Users/${u.ada}?attributes=name,meta`,
      );
      await scim(
        'attributes= the whole enterprise extension',
        'GET',
        `/Users/${u.ada}?attributes=${ENTERPRISE}`,
      );
      await scim(
        'attributes= URN-qualified core attribute',
        'GET',
        `/Users/${u.ada}?attributes=${USER}:displayName`,
      );
      await scim(
        'attributes= value-filtered emails',
        'GET',
        `/Users/${u.ada}?attributes=emails[type eq "work"]`,
      );
      await scim(
        'attributes= value-filtered sub-attribute',
        'GET',
        `/Users/${u.ada}?attributes=emails[type eq "work"].value,phoneNumbers[type eq "mobile"]`,
      );
      await scim(
        'excludedAttributes= simple, dotted and URN-qualified',
        'GET',
        `/Users/${u.ada}?excludedAttributes=emails,name.familyName,${ENTERPRISE}:manager,meta.location`,
      );
      await scim(
        'excludedAttributes= value-filtered',
        'GET',
        `/Users/${u.ada}?excludedAttributes=emails[type eq "home"]`,
      );
      await scim(
        'excludedAttributes= always-returned attributes stay',
        'GET',
        `/Users/${u.ada}?excludedAttributes=id,active,schemas,userName`,
      );
      await scim(
        'attributes=userName,groups (no groups yet)',
        'GET',
        `/Users/${u.ada}?attributes=userName,groups`,
      );
      await scim('If-None-Match with the current ETag', 'GET', `/Users/${u.ada}`, undefined, {
        'if-none-match': 'W/"1"',
      });
      await scim('If-None-Match with another ETag', 'GET', `/Users/${u.boss}`, undefined, {
        'if-none-match': 'W/"7"',
      });
      await scim('case-insensitive resource path', 'GET', `/users/${u.boss}`);
      await scim('trailing slash', 'GET', `/Users/${u.boss}/`);
    }));

  it('03 SCIM users: list, filter, sort and page', () =>
    part(async () => {
      await scim('list all', 'GET', '/Users');
      await scim(
        'Test Connection probe (+ and %22)',
        'GET',
        '/Users?filter=userName+eq+%22nobody%40contoso.com%22',
      );
      await scim(
        'userName eq (case-insensitive)',
        'GET',
        `/Users?filter=userName eq "ada.lovelace@CONTOSO.com"`,
      );
      await scim('externalId eq', 'GET', `/Users?filter=externalId eq "ext-bob"`);
      await scim('externalId eq is case-exact', 'GET', `/Users?filter=externalId eq "EXT-BOB"`);
      await scim(
        'emails[type eq "work"].value co',
        'GET',
        `/Users?filter=emails[type eq "work"].value co "contoso"`,
      );
      await scim('emails.value ew', 'GET', `/Users?filter=emails.value ew "example.org"`);
      await scim(
        'meta.lastModified gt',
        'GET',
        `/Users?filter=meta.lastModified gt "2001-01-01T00:00:00Z"&attributes=userName`,
      );
      await scim('meta.created lt (none)', 'GET', `/Users?filter=meta.created lt "2001-01-01T00:00:00Z"`);
      await scim('name.familyName sw', 'GET', `/Users?filter=name.familyName sw "Br"`);
      await scim(
        'URN-qualified enterprise department eq',
        'GET',
        `/Users?filter=${ENTERPRISE}:department eq "Research"&attributes=userName,${ENTERPRISE}:department`,
      );
      await scim(
        'enterprise manager.value eq',
        'GET',
        `/Users?filter=${ENTERPRISE}:manager.value eq "${u.ada}"&attributes=userName`,
      );
      await scim(
        'and / or / not with grouping',
        'GET',
        `/Users?filter=(title eq "Engineer" or title eq "Salesperson") and not (userType eq "Contractor")&attributes=userName,title,userType`,
      );
      await scim('active eq false', 'GET', `/Users?filter=active eq false&attributes=userName`);
      await scim('pr (present)', 'GET', `/Users?filter=nickName pr&attributes=userName,nickName`);
      await scim('roles.value eq', 'GET', `/Users?filter=roles.value eq "Admin"&attributes=userName,roles`);
      await scim('id eq', 'GET', `/Users?filter=id eq "${u.bob}"&attributes=userName`);
      await scim(
        'sortBy name.familyName descending',
        'GET',
        `/Users?sortBy=name.familyName&sortOrder=descending&attributes=userName,name.familyName`,
      );
      await scim(
        'sortBy userName, startIndex=2, count=2',
        'GET',
        `/Users?sortBy=userName&startIndex=2&count=2&attributes=userName`,
      );
      await scim(
        'sortBy enterprise department ascending',
        'GET',
        `/Users?sortBy=${ENTERPRISE}:department&sortOrder=ascending&attributes=userName`,
      );
      await scim('count=0', 'GET', '/Users?count=0');
      await scim('startIndex past the end', 'GET', '/Users?startIndex=50&count=5');
      const first = await scim(
        'cursor paging, first page',
        'GET',
        '/Users?cursor=&count=2&attributes=userName',
      );
      const next = String(first.json?.nextCursor ?? '');
      await scim('cursor paging, next page', 'GET', `/Users?cursor=${next}&count=2&attributes=userName`);
      await scim('POST /Users/.search', 'POST', '/Users/.search', {
        schemas: [SEARCH],
        filter: 'name.familyName sw "L" or name.familyName sw "C"',
        attributes: ['userName', 'name.familyName'],
        sortBy: 'userName',
        sortOrder: 'descending',
        startIndex: 1,
        count: 10,
      });
      await scim('POST /Users/.search with excludedAttributes', 'POST', '/Users/.search', {
        schemas: [SEARCH],
        filter: 'userName eq "bob.brown@contoso.com"',
        excludedAttributes: ['emails', 'meta'],
      });
    }));

  it('04 SCIM users: Entra PATCH shapes, PUT and DELETE', () =>
    part(async () => {
      await scim(
        'Replace with path',
        'PATCH',
        `/Users/${u.bob}`,
        patch({ op: 'Replace', path: 'displayName', value: 'Robert Brown' }),
      );
      await scim(
        'Replace without path: dotted keys and enterprise keys',
        'PATCH',
        `/Users/${u.bob}`,
        patch({
          op: 'Replace',
          value: {
            'name.givenName': 'Robert',
            'name.familyName': 'Brown-Smith',
            title: 'Account Executive',
            externalId: 'ext-robert',
            [`${ENTERPRISE}:employeeNumber`]: '2003',
            [`${ENTERPRISE}:costCenter`]: 'CC-7',
            active: true,
          },
        }),
      );
      await scim(
        'Add emails[type eq "work"].value and other filtered paths',
        'PATCH',
        `/Users/${u.bob}`,
        patch(
          { op: 'Add', path: 'emails[type eq "work"].value', value: 'robert.brown@contoso.com' },
          { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0202' },
          { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Seattle' },
          { op: 'Add', path: 'addresses[type eq "work"].country', value: 'US' },
        ),
      );
      await scim('GET after the PATCHes', 'GET', `/Users/${u.bob}`);
      await scim(
        'Add manager as a raw id',
        'PATCH',
        `/Users/${u.bob}`,
        patch({ op: 'Add', path: `${ENTERPRISE}:manager`, value: u.ada }),
      );
      await scim('GET with the manager', 'GET', `/Users/${u.bob}?attributes=${ENTERPRISE}:manager`);
      await scim(
        'Remove manager',
        'PATCH',
        `/Users/${u.bob}`,
        patch({ op: 'Remove', path: `${ENTERPRISE}:manager` }),
      );
      await scim('GET without the manager', 'GET', `/Users/${u.bob}?attributes=${ENTERPRISE}`);
      await scim(
        'active "False" (string)',
        'PATCH',
        `/Users/${u.bob}`,
        patch({ op: 'Replace', path: 'active', value: 'False' }),
      );
      await scim(
        'roles add (plain and JSON-encoded)',
        'PATCH',
        `/Users/${u.bob}`,
        patch({
          op: 'Add',
          path: 'roles',
          value: [
            { value: 'Writer', primary: 'True', type: 'WindowsAzureActiveDirectoryRole' },
            {
              value:
                '{"id":"8e3a7a57-4a1d-4b8e-9c71-0b0f7e8f1a11","value":"Auditor","displayName":"Auditor"}',
            },
          ],
        }),
      );
      await scim(
        'roles remove one, lower-case op names',
        'PATCH',
        `/Users/${u.bob}`,
        patch({ op: 'remove', path: 'roles[value eq "Writer"]' }),
      );
      await scim(
        'PATCH with attributes= answers 200 with the resource',
        'PATCH',
        `/Users/${u.bob}?attributes=userName,active,roles,displayName`,
        patch({ op: 'replace', path: 'nickName', value: 'Rob' }),
      );
      const current = await scim('GET after every PATCH', 'GET', `/Users/${u.bob}`);
      await scim(
        'If-Match with the current ETag',
        'PATCH',
        `/Users/${u.bob}`,
        patch({ op: 'Replace', path: 'title', value: 'AE' }),
        {
          'if-match': current.headers.get('etag') ?? '',
        },
      );
      await scim('PUT replaces every attribute', 'PUT', `/Users/${u.dave}`, {
        schemas: [USER],
        userName: 'dave.diaz@example.org',
        externalId: 'ext-dave',
        displayName: 'Dave Diaz',
        name: { givenName: 'David', familyName: 'Diaz' },
        active: true,
        phoneNumbers: [{ type: 'work', value: '+1 555 0303' }],
      });
      await scim('PUT with attributes=', 'PUT', `/Users/${u.dave}?attributes=userName,externalId`, {
        schemas: [USER],
        userName: 'dave.diaz@example.org',
        externalId: 'ext-dave-2',
      });
      const temp = await scim('POST a user to delete', 'POST', '/Users', { userName: 'temp@contoso.com' });
      u.temp = temp.json.id;
      await scim('DELETE', 'DELETE', `/Users/${u.temp}`);
      await scim('GET after DELETE', 'GET', `/Users/${u.temp}`);
      await scim('DELETE again', 'DELETE', `/Users/${u.temp}`);
    }));

  it('05 SCIM users: errors', () =>
    part(async () => {
      await scim('filter with an unknown attribute', 'GET', `/Users?filter=shoeSize eq "42"`);
      await scim('filter with bad syntax', 'GET', `/Users?filter=userName zz "x"`);
      await scim('filter cut short', 'GET', `/Users?filter=userName eq`);
      await scim('filter with an unclosed bracket', 'GET', `/Users?filter=emails[type eq "work"`);
      await scim('sortBy an unknown attribute', 'GET', '/Users?sortBy=shoeSize');
      await scim('bad sortOrder', 'GET', '/Users?sortOrder=sideways');
      await scim('count not an integer', 'GET', '/Users?count=many');
      await scim('attributes= unknown attribute', 'GET', `/Users/${u.ada}?attributes=shoeSize`);
      await scim('duplicate userName (case-insensitive)', 'POST', '/Users', {
        schemas: [USER],
        userName: 'ADA.LOVELACE@contoso.com',
      });
      await scim('POST without userName', 'POST', '/Users', { schemas: [USER], displayName: 'Nobody' });
      await scim('POST with a wrong type', 'POST', '/Users', {
        schemas: [USER],
        userName: 'x@contoso.com',
        active: 'perhaps',
      });
      await scim('POST naming a manager id no user has', 'POST', '/Users', {
        schemas: [USER, ENTERPRISE],
        userName: 'y@contoso.com',
        [ENTERPRISE]: { manager: NO_SUCH_ID },
      });
      await scim('GET an id no user has', 'GET', `/Users/${NO_SUCH_ID}`);
      await scim('GET an id that is not a UUID', 'GET', '/Users/not-a-uuid');
      await scim(
        'PATCH an id no user has',
        'PATCH',
        `/Users/${NO_SUCH_ID}`,
        patch({ op: 'Replace', path: 'title', value: 'x' }),
      );
      await scim(
        'PATCH with a path naming no attribute',
        'PATCH',
        `/Users/${u.ada}`,
        patch({ op: 'Replace', path: 'shoeSize', value: '42' }),
      );
      await scim(
        'PATCH with a malformed path',
        'PATCH',
        `/Users/${u.ada}`,
        patch({ op: 'Replace', path: 'emails[type eq', value: 'x' }),
      );
      await scim(
        'PATCH with an unknown op',
        'PATCH',
        `/Users/${u.ada}`,
        patch({ op: 'Frobnicate', path: 'title', value: 'x' }),
      );
      await scim('PATCH Remove without path', 'PATCH', `/Users/${u.ada}`, patch({ op: 'Remove' }));
      await scim('PATCH without the PatchOp schema', 'PATCH', `/Users/${u.ada}`, {
        schemas: [USER],
        Operations: [],
      });
      await scim(
        'PATCH read-only id',
        'PATCH',
        `/Users/${u.ada}`,
        patch({ op: 'Replace', path: 'id', value: NO_SUCH_ID }),
      );
      await scim('invalid JSON', 'POST', '/Users', '{"userName": ');
      await scim('empty body', 'POST', '/Users', '');
      await scim('a JSON array body', 'POST', '/Users', '[]');
      await scim('wrong content type', 'POST', '/Users', '{"userName":"z@contoso.com"}', {
        'content-type': 'text/plain',
      });
      await scim(
        'If-Match mismatch on PATCH',
        'PATCH',
        `/Users/${u.ada}`,
        patch({ op: 'Replace', path: 'title', value: 'x' }),
        {
          'if-match': 'W/"99"',
        },
      );
      await scim(
        'If-Match mismatch on PUT',
        'PUT',
        `/Users/${u.ada}`,
        { schemas: [USER], userName: 'Ada.Lovelace@contoso.com' },
        {
          'if-match': 'W/"99"',
        },
      );
      await scim('If-Match mismatch on DELETE', 'DELETE', `/Users/${u.ada}`, undefined, {
        'if-match': 'W/"99"',
      });
      await scim('If-Match not an ETag', 'DELETE', `/Users/${u.ada}`, undefined, { 'if-match': 'garbage' });
      await scim('method not allowed on the collection', 'DELETE', '/Users');
      await scim('method not allowed on a resource', 'POST', `/Users/${u.ada}`, {});
      await scim('unknown endpoint', 'GET', '/Nothing');
      await scim('no token', 'GET', '/Users', undefined, { authorization: '' });
      await scim('wrong token', 'GET', '/Users', undefined, { authorization: 'Bearer cpd_scim_wrong' });
    }));

  it('06 SCIM groups', () =>
    part(async () => {
      g.eng = (
        await scim('POST with members', 'POST', '/Groups', {
          schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
          externalId: 'grp-eng',
          displayName: 'Engineering',
          members: [{ value: u.ada }, { value: u.carol, display: 'ignored' }],
        })
      ).json.id;
      g.sales = (
        await scim('POST with members: []', 'POST', '/Groups', {
          schemas: [GROUP],
          externalId: 'grp-sales',
          displayName: 'Sales',
          members: [],
        })
      ).json.id;
      g.division = (
        await scim('POST with a nested group member', 'POST', '/Groups', {
          schemas: [GROUP],
          displayName: 'R&D Division',
          members: [{ value: g.eng, type: 'Group' }],
        })
      ).json.id;
      await scim('GET', 'GET', `/Groups/${g.eng}`);
      await scim('GET the parent group', 'GET', `/Groups/${g.division}`);
      await scim('GET excludedAttributes=members', 'GET', `/Groups/${g.eng}?excludedAttributes=members`);
      await scim('GET attributes=displayName', 'GET', `/Groups/${g.eng}?attributes=displayName`);
      await scim('GET attributes=members.value', 'GET', `/Groups/${g.eng}?attributes=members.value`);
      await scim('list', 'GET', '/Groups');
      await scim(
        'Entra probe: filter displayName eq, excludedAttributes=members',
        'GET',
        `/Groups?excludedAttributes=members&filter=displayName+eq+%22engineering%22`,
      );
      await scim('filter externalId eq', 'GET', `/Groups?filter=externalId eq "grp-sales"`);
      await scim(
        'filter members.value eq',
        'GET',
        `/Groups?filter=members.value eq "${u.carol}"&excludedAttributes=members`,
      );
      await scim(
        'filter displayName sw, sortBy displayName descending',
        'GET',
        `/Groups?filter=displayName sw "S" or displayName sw "E"&sortBy=displayName&sortOrder=descending`,
      );
      await scim(
        'PATCH add members (Entra shape)',
        'PATCH',
        `/Groups/${g.sales}`,
        patch({ op: 'Add', path: 'members', value: [{ $ref: null, value: u.bob }] }),
      );
      await scim(
        'PATCH add several members, one already present',
        'PATCH',
        `/Groups/${g.sales}`,
        patch({
          op: 'Add',
          path: 'members',
          value: [{ value: u.bob }, { value: u.dave }, { value: u.carol }],
        }),
      );
      await scim('GET after adds', 'GET', `/Groups/${g.sales}`);
      await scim(
        'PATCH remove members (value array)',
        'PATCH',
        `/Groups/${g.sales}`,
        patch({ op: 'Remove', path: 'members', value: [{ value: u.dave }] }),
      );
      await scim(
        'PATCH remove by filtered path',
        'PATCH',
        `/Groups/${g.sales}`,
        patch({ op: 'Remove', path: `members[value eq "${u.carol}"]` }),
      );
      await scim('GET after removes', 'GET', `/Groups/${g.sales}`);
      await scim(
        'PATCH rename (Replace displayName with path)',
        'PATCH',
        `/Groups/${g.sales}`,
        patch({ op: 'Replace', path: 'displayName', value: 'Sales EMEA' }),
      );
      await scim(
        'PATCH rename (Replace without path)',
        'PATCH',
        `/Groups/${g.sales}?attributes=displayName,externalId`,
        patch({ op: 'Replace', value: { displayName: 'Sales & Marketing', externalId: 'grp-sm' } }),
      );
      await scim(
        'PATCH add a member of no record (warning, not an error)',
        'PATCH',
        `/Groups/${g.sales}`,
        patch({ op: 'Add', path: 'members', value: [{ value: NO_SUCH_ID }] }),
      );
      await scim(
        'PATCH Replace members (the whole list)',
        'PATCH',
        `/Groups/${g.sales}`,
        patch({ op: 'Replace', path: 'members', value: [{ value: u.dave }, { value: u.boss }] }),
      );
      await scim('GET after Replace members', 'GET', `/Groups/${g.sales}?attributes=members`);
      await scim(
        'PATCH Remove members without a value (all)',
        'PATCH',
        `/Groups/${g.sales}`,
        patch({ op: 'Remove', path: 'members' }),
      );
      await scim(
        'GET after removing all members',
        'GET',
        `/Groups/${g.sales}?attributes=displayName,members`,
      );
      await scim(
        'PATCH add a member making a cycle',
        'PATCH',
        `/Groups/${g.eng}`,
        patch({ op: 'Add', path: 'members', value: [{ value: g.division }] }),
      );
      await scim(
        'PATCH with a path naming no attribute',
        'PATCH',
        `/Groups/${g.eng}`,
        patch({ op: 'Replace', path: 'shoeSize', value: 'x' }),
      );
      await scim(
        'a user with direct and nested groups: attributes=userName,groups',
        'GET',
        `/Users/${u.ada}?attributes=userName,groups`,
      );
      await scim(
        'groups on a list',
        'GET',
        `/Users?filter=groups.display eq "Engineering"&attributes=userName,groups`,
      );
      await scim(
        'URN-qualified groups.display',
        'GET',
        `/Users/${u.carol}?attributes=${USER}:groups.display`,
      );
      await scim('PUT replaces name and members', 'PUT', `/Groups/${g.sales}`, {
        schemas: [GROUP],
        displayName: 'Sales',
        externalId: 'grp-sales',
        members: [{ value: u.bob }, { value: u.dave }],
      });
      await scim('POST a duplicate displayName', 'POST', '/Groups', {
        schemas: [GROUP],
        displayName: 'ENGINEERING',
      });
      await scim('POST without displayName', 'POST', '/Groups', { schemas: [GROUP] });
      await scim('GET an id no group has', 'GET', `/Groups/${NO_SUCH_ID}`);
      await scim('POST /Groups/.search', 'POST', '/Groups/.search', {
        schemas: [SEARCH],
        filter: 'displayName co "a"',
        excludedAttributes: ['members'],
        sortBy: 'displayName',
      });
      const temp = await scim('POST a group to delete', 'POST', '/Groups', {
        displayName: 'Temporary',
        members: [{ value: u.boss }],
      });
      g.temp = temp.json.id;
      await scim('DELETE', 'DELETE', `/Groups/${g.temp}`);
      await scim('GET after DELETE', 'GET', `/Groups/${g.temp}`);
    }));

  it('07 SCIM POST /.search across resource types', () =>
    part(async () => {
      await scim('users then groups', 'POST', '/.search', {
        schemas: [SEARCH],
        attributes: ['userName', 'displayName'],
      });
      await scim('a page crossing from users to groups', 'POST', '/.search', {
        schemas: [SEARCH],
        startIndex: 5,
        count: 3,
        excludedAttributes: ['members', 'meta'],
      });
      await scim('an attribute only users have', 'POST', '/.search', {
        schemas: [SEARCH],
        filter: 'userName sw "bob"',
      });
      await scim('an attribute both have', 'POST', '/.search', {
        schemas: [SEARCH],
        filter: 'externalId sw "grp-" or externalId eq "ext-ada"',
        attributes: ['externalId'],
      });
      await scim('an attribute neither has', 'POST', '/.search', {
        schemas: [SEARCH],
        filter: 'shoeSize eq "42"',
      });
      await scim('cursor paging is refused here', 'POST', '/.search', { schemas: [SEARCH], cursor: '' });
      await scim('GET is not allowed', 'GET', '/.search');
    }));

  it('08 GraphQL', () =>
    part(async () => {
      const USER_FIELDS = `id userName externalId active displayName nickName title userType preferredLanguage locale timezone
      name { formatted familyName givenName middleName honorificPrefix honorificSuffix }
      emails { type value primary } phoneNumbers { type value primary }
      roles { value display type primary }
      employeeNumber costCenter organization division department
      manager { id userName displayName }
      groups(membership: ALL) { totalCount edges { cursor node { id displayName } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
      source version createdAt updatedAt`;
      await gql('user with every field', `query($id: ID!) { user(id: $id) { ${USER_FIELDS} } }`, {
        id: u.ada,
      });
      await gql(
        'user: groups at each depth',
        `query($id: ID!) { user(id: $id) { userName
        direct: groups { totalCount edges { node { displayName } } }
        inherited: groups(membership: INHERITED) { totalCount edges { node { displayName } } } } }`,
        { id: u.ada },
      );
      await gql(
        'userByUserName (case-insensitive)',
        `{ userByUserName(userName: "BOB.brown@contoso.com") { id userName active roles { value primary } } }`,
      );
      await gql(
        'users with a typed filter and an order',
        `{ users(filter: { department: { equals: "research" }, active: true }, orderBy: { field: USER_NAME, direction: DESC }) {
        totalCount edges { cursor node { userName department manager { userName } } } pageInfo { hasNextPage endCursor } } }`,
      );
      await gql(
        'users with a nested typed filter',
        `{ users(filter: { or: [{ familyName: { startsWith: "Br" } }, { email: { endsWith: "example.org" } }], not: { title: { equals: "Engineer" } } }) {
        totalCount edges { node { userName title } } } }`,
      );
      await gql(
        'users with scimFilter',
        `{ users(scimFilter: "roles.value eq \\"Admin\\" or emails[type eq \\"other\\"].value co \\"partner\\"") { totalCount edges { node { userName roles { value } } } } }`,
      );
      await gql(
        'users with typed filter and scimFilter combined',
        `{ users(filter: { active: true }, scimFilter: "title pr", orderBy: { field: FAMILY_NAME }) { totalCount edges { node { userName title } } } }`,
      );
      const page1 = await gql(
        'users, first page of two',
        `{ users(first: 2, orderBy: { field: CREATED_AT }) { totalCount edges { cursor node { userName } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
      );
      await gql(
        'users, next page',
        `query($after: String) { users(first: 2, after: $after, orderBy: { field: CREATED_AT }) { totalCount edges { cursor node { userName } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
        { after: page1.json.data.users.pageInfo.endCursor },
      );
      await gql(
        'users filtered by group membership',
        `query($g: ID!) { direct: users(filter: { memberOf: { groupId: $g } }) { totalCount edges { node { userName } } }
        all: users(filter: { memberOf: { groupId: $g, membership: ALL } }) { totalCount edges { node { userName } } }
        none: users(filter: { memberOfAny: false }) { totalCount edges { node { userName } } } }`,
        { g: g.division },
      );
      const GROUP_FIELDS = `id displayName externalId source version createdAt updatedAt
      memberCount all: memberCount(membership: ALL) users: memberCount(kind: USER)
      members { totalCount edges { cursor node { __typename ... on User { id userName } ... on Group { id displayName } } } pageInfo { hasNextPage endCursor } }
      parents { totalCount edges { node { id displayName } } }`;
      await gql('group with every field', `query($id: ID!) { group(id: $id) { ${GROUP_FIELDS} } }`, {
        id: g.eng,
      });
      await gql(
        'groups with members and counts',
        `{ groups(orderBy: { field: DISPLAY_NAME }) { totalCount edges { node { displayName memberCount
        inherited: memberCount(membership: INHERITED) all: memberCount(membership: ALL)
        members(membership: ALL) { totalCount edges { node { __typename ... on User { userName } ... on Group { displayName } } } } } } } }`,
      );
      await gql(
        'groups by member count',
        `{ groups(orderBy: { field: MEMBER_COUNT, direction: DESC, membership: ALL }) { edges { node { displayName all: memberCount(membership: ALL) } } } }`,
      );
      await gql(
        'groups with typed filter and scimFilter',
        `{ a: groups(filter: { hasMembers: true, memberOfAny: true }) { totalCount edges { node { displayName } } }
        b: groups(scimFilter: "displayName sw \\"R\\"") { totalCount edges { node { displayName } } } }`,
      );
      await gql(
        'checkMembership',
        `query($u: ID!, $gs: [ID!]!) { checkMembership(userId: $u, groupIds: $gs) }`,
        { u: u.ada, gs: [g.division, g.sales, g.eng, NO_SUCH_ID] },
      );
      await gql(
        'membershipPath',
        `query($u: ID!, $g: ID!, $s: ID!) { path: membershipPath(userId: $u, groupId: $g) { id displayName }
        none: membershipPath(userId: $u, groupId: $s) { id } }`,
        { u: u.ada, g: g.division, s: g.sales },
      );
      await gql(
        'roles and role',
        `{ roles { totalCount edges { node { value display type } } } role(value: "Admin") { value display type } missing: role(value: "Nope") { value } }`,
      );
      // Mutations (source API).
      const created = await gql(
        'createUser',
        `mutation($i: CreateUserInput!) { createUser(input: $i) { ${USER_FIELDS} } }`,
        {
          i: {
            userName: 'eve.api@contoso.com',
            displayName: 'Eve Api',
            name: { givenName: 'Eve', familyName: 'Api' },
            emails: [{ value: 'eve@contoso.com', type: 'work', primary: true }],
            phoneNumbers: [{ value: '+1 555 0404', type: 'mobile' }],
            title: 'Analyst',
            department: 'Research',
            employeeNumber: '5005',
            managerId: u.ada,
            roles: [{ value: 'Reader', primary: true }],
          },
        },
      );
      u.eve = created.json.data.createUser.id;
      await gql(
        'updateUser with a version',
        `mutation($id: ID!) { updateUser(id: $id, version: 1, input: { title: null, nickName: "E", name: { formatted: "Eve A." } }) { title nickName name { givenName formatted } version } }`,
        { id: u.eve },
      );
      await gql(
        'updateUser with a stale version',
        `mutation($id: ID!) { updateUser(id: $id, version: 1, input: { title: "x" }) { id } }`,
        { id: u.eve },
      );
      await gql(
        'setUserActive',
        `mutation($id: ID!) { setUserActive(id: $id, active: false) { active version } }`,
        { id: u.eve },
      );
      await gql(
        'assignRole and unassignRole',
        `mutation($id: ID!) { a: assignRole(userId: $id, role: "Auditor", primary: true) { roles { value primary } }
        b: unassignRole(userId: $id, role: "Reader") { roles { value primary } } }`,
        { id: u.eve },
      );
      const grp = await gql(
        'createGroup',
        `mutation($m: [ID!]) { createGroup(input: { displayName: "Analysts", externalId: "grp-an", memberIds: $m }) { ${GROUP_FIELDS} } }`,
        { m: [u.eve] },
      );
      g.analysts = grp.json.data.createGroup.id;
      await gql(
        'addGroupMembers',
        `mutation($g: ID!, $m: [ID!]!) { addGroupMembers(groupId: $g, memberIds: $m) { memberCount version members { edges { node { ... on User { userName } ... on Group { displayName } } } } } }`,
        { g: g.analysts, m: [u.bob, g.eng] },
      );
      await gql(
        'removeGroupMembers',
        `mutation($g: ID!, $m: [ID!]!) { removeGroupMembers(groupId: $g, memberIds: $m) { memberCount version } }`,
        { g: g.analysts, m: [u.bob] },
      );
      await gql(
        'updateGroup',
        `mutation($g: ID!) { updateGroup(id: $g, input: { displayName: "Analysts & Co", externalId: null }) { displayName externalId version } }`,
        { g: g.analysts },
      );
      await gql(
        'createUser with a taken userName',
        `mutation { createUser(input: { userName: "ADA.lovelace@contoso.com" }) { id } }`,
      );
      await gql(
        'createGroup making a duplicate',
        `mutation { createGroup(input: { displayName: "engineering" }) { id } }`,
      );
      await gql(
        'addGroupMembers making a cycle',
        `mutation($g: ID!, $m: [ID!]!) { addGroupMembers(groupId: $g, memberIds: $m) { id } }`,
        {
          g: g.eng,
          m: [g.division],
        },
      );
      await gql('deleteGroup', `mutation($g: ID!) { deleteGroup(id: $g) { id displayName } }`, {
        g: g.analysts,
      });
      await gql('deleteUser', `mutation($id: ID!) { deleteUser(id: $id) { id userName } }`, { id: u.eve });
      // Errors.
      await gql(
        'not found: user by id → null',
        `query($id: ID!) { user(id: $id) { id } group(id: $id) { id } }`,
        { id: NO_SUCH_ID },
      );
      await gql(
        'not found: mutation on no user',
        `mutation($id: ID!) { setUserActive(id: $id, active: true) { id } }`,
        { id: NO_SUCH_ID },
      );
      await gql('validation error: unknown field', `{ users { totalCount shoeSize } }`);
      await gql('validation error: wrong argument type', `{ users(first: "ten") { totalCount } }`);
      await gql('syntax error', `{ users { `);
      await gql('bad scimFilter', `{ users(scimFilter: "userName eq") { totalCount } }`);
      await gql('unknown attribute in scimFilter', `{ users(scimFilter: "shoeSize eq 1") { totalCount } }`);
      await gql('bad cursor', `{ users(after: "garbage") { totalCount } }`);
      await gql('bad input: blank userName', `mutation { createUser(input: { userName: "  " }) { id } }`);
      await gql('no token', `{ viewer { kind } }`, {}, null);
      await gql('wrong token', `{ viewer { kind } }`, {}, 'cpd_key_wrong');
    }));
});
