/**
 * Every User attribute, described once (ADR 0007): RFC 7643 characteristics as /Schemas publishes
 * them, the column or relation that stores it, its path in the domain record and, where one
 * exists, the typed GraphQL filter field. Adding a stored attribute is a line here and a migration.
 * SQL is written against the alias `u` (app_user).
 */
import type { Address, MultiValued } from './user.values';
import type { RecordOf, ResourceDefinition } from '../schema/attribute';
import {
  SCHEMA_ENTERPRISE_USER,
  SCHEMA_USER,
  binary,
  bool,
  column,
  columnOf,
  commonAttributes,
  complex,
  expression,
  jsonbOf,
  multiValued,
  reference,
  relation,
  str,
} from '../schema/attribute';

const nameParts = complex('name', "The components of the user's real name.", [
  str('formatted', 'The full name, formatted for display.', {
    storage: column('name_formatted', 'name.formatted'),
  }),
  str('familyName', 'The family (last) name.', {
    storage: column('family_name', 'name.familyName'),
    graphqlField: 'familyName',
  }),
  str('givenName', 'The given (first) name.', {
    storage: column('given_name', 'name.givenName'),
    graphqlField: 'givenName',
  }),
  str('middleName', 'The middle name(s).', { storage: column('middle_name', 'name.middleName') }),
  str('honorificPrefix', 'The honorific prefix(es), e.g. "Ms.".', {
    storage: column('honorific_prefix', 'name.honorificPrefix'),
  }),
  str('honorificSuffix', 'The honorific suffix(es), e.g. "III".', {
    storage: column('honorific_suffix', 'name.honorificSuffix'),
  }),
]);

const readOnlyRef = { mutability: 'readOnly', caseExact: true } as const;

const CORE = [
  ...commonAttributes('User'),
  str(
    'userName',
    'Unique identifier the user signs in with (Entra: userPrincipalName). Unique per tenant, compared case-insensitively.',
    {
      required: true,
      uniqueness: 'server',
      storage: columnOf<string>()('user_name', 'userName', { unique: true }),
      graphqlField: 'userName',
    },
  ),
  nameParts,
  str('displayName', 'The name of the user, suitable for display.', {
    storage: column('display_name', 'displayName'),
    graphqlField: 'displayName',
  }),
  str('nickName', 'The casual name of the user.', { storage: column('nick_name', 'nickName') }),
  reference('profileUrl', "A URI of the user's online profile.", ['external'], {
    storage: column('profile_url', 'profileUrl'),
  }),
  str('title', "The user's title, e.g. 'Vice President'.", {
    storage: column('title', 'title'),
    graphqlField: 'title',
  }),
  str('userType', "The relationship to the organisation, e.g. 'Employee' or 'Contractor'.", {
    storage: column('user_type', 'userType'),
  }),
  str('preferredLanguage', "The user's preferred language, e.g. 'en-US' (RFC 7231 Accept-Language).", {
    storage: column('preferred_language', 'preferredLanguage'),
  }),
  str('locale', "The user's default location for localisation, e.g. 'en-US'.", {
    storage: column('locale', 'locale'),
  }),
  str('timezone', "The user's time zone in IANA format, e.g. 'Europe/Berlin'.", {
    storage: column('timezone', 'timezone'),
  }),
  bool(
    'active',
    'Whether the user may sign in. false is how Entra de-provisions; "True"/"False" strings are accepted. ' +
      'Always returned.',
    {
      returned: 'always',
      storage: columnOf<boolean>()('active', 'active', { absent: true }),
      graphqlField: 'active',
    },
  ),
  multiValued(
    'emails',
    "The user's e-mail addresses.",
    'e-mail address',
    ['work', 'home', 'other'],
    jsonbOf<MultiValued>()('emails', 'emails'),
  ),
  multiValued(
    'phoneNumbers',
    "The user's phone numbers.",
    'phone number',
    ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
    jsonbOf<MultiValued>()('phone_numbers', 'phoneNumbers'),
  ),
  multiValued(
    'ims',
    "The user's instant-messaging addresses.",
    'instant-messaging address',
    ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
    jsonbOf<MultiValued>()('ims', 'ims'),
  ),
  multiValued(
    'photos',
    'URLs of photos of the user.',
    'photo URL',
    ['photo', 'thumbnail'],
    jsonbOf<MultiValued>()('photos', 'photos'),
    { value: reference('value', 'The URL of the photo.', ['external']) },
  ),
  complex(
    'addresses',
    "The user's physical mailing addresses.",
    [
      str('formatted', 'The full address, formatted for display; may contain newlines.'),
      str('streetAddress', 'The street address: house number, street name, P.O. box, …'),
      str('locality', 'The city or locality.'),
      str('region', 'The state or region.'),
      str('postalCode', 'The postal code.'),
      str('country', 'The country, as an ISO 3166-1 alpha-2 code.'),
      str('type', "A label for the address's function.", { canonicalValues: ['work', 'home', 'other'] }),
      bool('primary', 'Whether this is the preferred address; at most one entry is primary.'),
    ],
    { multiValued: true, storage: jsonbOf<Address>()('addresses', 'addresses') },
  ),
  complex(
    'groups',
    'The groups the user belongs to, directly ("direct") or through nested groups ("indirect"). ' +
      'Read-only: change membership through /Groups. Returned on request: name it in the ' +
      '"attributes" parameter (e.g. attributes=userName,groups).',
    [
      str('value', 'The id of the group.', {
        ...readOnlyRef,
        storage: expression('mg.group_id', { uuid: true }),
      }),
      reference('$ref', 'The URI of the group.', ['User', 'Group'], readOnlyRef),
      str('display', 'The displayName of the group.', {
        mutability: 'readOnly',
        storage: expression('gg.display_name'),
      }),
      str('type', 'Whether membership is direct or through a nested group.', {
        mutability: 'readOnly',
        canonicalValues: ['direct', 'indirect'],
      }),
    ],
    {
      multiValued: true,
      mutability: 'readOnly',
      returned: 'request',
      // RFC 7643 `groups` filters on the groups a user is directly a member of.
      storage: relation('membership mg join "group" gg on gg.id = mg.group_id', 'mg.member_user_id = u.id'),
      graphqlField: 'groups',
    },
  ),
  multiValued(
    'entitlements',
    "The user's entitlements.",
    'entitlement',
    undefined,
    jsonbOf<MultiValued>()('entitlements', 'entitlements'),
  ),
  multiValued(
    'roles',
    "The user's roles (Entra app roles). A value holding a JSON-encoded {id, value, displayName} object is decoded to its value.",
    'role',
    undefined,
    relation('user_role ur join role r on r.id = ur.role_id', 'ur.user_id = u.id'),
    {
      subStorage: {
        value: expression('r.value'),
        display: expression('r.display'),
        type: expression('r.type'),
        primary: expression('ur."primary"'),
      },
      graphqlField: 'roles',
    },
  ),
  multiValued(
    'x509Certificates',
    "The user's X.509 certificates.",
    'certificate',
    undefined,
    jsonbOf<MultiValued>()('x509_certificates', 'x509Certificates'),
    { value: binary('value', 'The DER-encoded certificate, base64-encoded.') },
  ),
  // Accepted by PATCH and dropped: this directory does not keep passwords (Entra may send one).
  str('password', 'Not stored.', { mutability: 'writeOnly', returned: 'never', advertised: false }),
] as const;

const ENTERPRISE = [
  str('employeeNumber', 'The identifier the organisation assigns to the user.', {
    storage: column('employee_number', 'enterprise.employeeNumber'),
    graphqlField: 'employeeNumber',
  }),
  str('costCenter', 'The cost center.', {
    storage: column('cost_center', 'enterprise.costCenter'),
    graphqlField: 'costCenter',
  }),
  str('organization', 'The organisation.', {
    storage: column('organization', 'enterprise.organization'),
    graphqlField: 'organization',
  }),
  str('division', 'The division.', {
    storage: column('division', 'enterprise.division'),
    graphqlField: 'division',
  }),
  str('department', 'The department.', {
    storage: column('department', 'enterprise.department'),
    graphqlField: 'department',
  }),
  complex(
    'manager',
    'The user\'s manager. Send the manager\'s id as a string or as {"value": id}; an empty value removes it.',
    [
      str('value', 'The id of the manager, a User of the same tenant.', {
        caseExact: true,
        // `manager eq "id"` compares this too (RFC 7643 §4.3).
        storage: column('manager_id', 'enterprise.managerId', {
          uuid: true,
          unsortable: true,
          resolved: true,
        }),
      }),
      reference('$ref', 'The URI of the manager.', ['User']),
      str('displayName', "The manager's displayName.", {
        mutability: 'readOnly',
        storage: expression('(select mgr.display_name from app_user mgr where mgr.id = u.manager_id)', {
          unsortable: true,
        }),
      }),
    ],
  ),
] as const;

/** The User resource: the core schema (RFC 7643 §4.1) and the enterprise extension (§4.3). */
export const USER_DEFINITION = {
  kind: 'User',
  core: { id: SCHEMA_USER, name: 'User', description: 'User Account', attributes: CORE },
  extensions: [
    {
      id: SCHEMA_ENTERPRISE_USER,
      name: 'EnterpriseUser',
      description: 'Enterprise User',
      attributes: ENTERPRISE,
    },
  ],
} as const satisfies ResourceDefinition;

/** The writable attributes of a user, as the definition stores them. `null` means absent. */
export type StoredUserAttributes = RecordOf<[...typeof CORE, ...typeof ENTERPRISE]>;
