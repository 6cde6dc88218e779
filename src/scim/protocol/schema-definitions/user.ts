import { SCHEMA_USER } from '../schemas';
import type { SchemaDefinition } from './attribute';
import { binary, bool, commonAttributes, complex, multiValued, reference, str } from './attribute';

const nameParts = complex('name', "The components of the user's real name.", [
  str('formatted', 'The full name, formatted for display.'),
  str('familyName', 'The family (last) name.'),
  str('givenName', 'The given (first) name.'),
  str('middleName', 'The middle name(s).'),
  str('honorificPrefix', 'The honorific prefix(es), e.g. "Ms.".'),
  str('honorificSuffix', 'The honorific suffix(es), e.g. "III".'),
]);

const readOnlyRef = { mutability: 'readOnly', caseExact: true } as const;

/** The core User schema (RFC 7643 §4.1, §8.7.1) as this server implements it. */
export const USER_SCHEMA: SchemaDefinition = {
  id: SCHEMA_USER,
  name: 'User',
  description: 'User Account',
  attributes: [
    ...commonAttributes('User'),
    str(
      'userName',
      'Unique identifier the user signs in with (Entra: userPrincipalName). Unique per tenant, compared case-insensitively.',
      { required: true, uniqueness: 'server' },
    ),
    nameParts,
    str('displayName', 'The name of the user, suitable for display.'),
    str('nickName', 'The casual name of the user.'),
    reference('profileUrl', "A URI of the user's online profile.", ['external']),
    str('title', "The user's title, e.g. 'Vice President'."),
    str('userType', "The relationship to the organisation, e.g. 'Employee' or 'Contractor'."),
    str('preferredLanguage', "The user's preferred language, e.g. 'en-US' (RFC 7231 Accept-Language)."),
    str('locale', "The user's default location for localisation, e.g. 'en-US'."),
    str('timezone', "The user's time zone in IANA format, e.g. 'Europe/Berlin'."),
    bool(
      'active',
      'Whether the user may sign in. false is how Entra de-provisions; "True"/"False" strings are accepted. ' +
        'Always returned.',
      { returned: 'always' },
    ),
    multiValued('emails', "The user's e-mail addresses.", 'e-mail address', ['work', 'home', 'other']),
    multiValued('phoneNumbers', "The user's phone numbers.", 'phone number', [
      'work',
      'home',
      'mobile',
      'fax',
      'pager',
      'other',
    ]),
    multiValued('ims', "The user's instant-messaging addresses.", 'instant-messaging address', [
      'aim',
      'gtalk',
      'icq',
      'xmpp',
      'msn',
      'skype',
      'qq',
      'yahoo',
    ]),
    multiValued(
      'photos',
      'URLs of photos of the user.',
      'photo URL',
      ['photo', 'thumbnail'],
      reference('value', 'The URL of the photo.', ['external']),
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
      { multiValued: true },
    ),
    complex(
      'groups',
      'The groups the user belongs to, directly ("direct") or through nested groups ("indirect"). ' +
        'Read-only: change membership through /Groups. Returned on request: name it in the ' +
        '"attributes" parameter (e.g. attributes=userName,groups).',
      [
        str('value', 'The id of the group.', readOnlyRef),
        reference('$ref', 'The URI of the group.', ['User', 'Group'], readOnlyRef),
        str('display', 'The displayName of the group.', { mutability: 'readOnly' }),
        str('type', 'Whether membership is direct or through a nested group.', {
          mutability: 'readOnly',
          canonicalValues: ['direct', 'indirect'],
        }),
      ],
      { multiValued: true, mutability: 'readOnly', returned: 'request' },
    ),
    multiValued('entitlements', "The user's entitlements.", 'entitlement', undefined),
    multiValued(
      'roles',
      "The user's roles (Entra app roles). A value holding a JSON-encoded {id, value, displayName} object is decoded to its value.",
      'role',
      undefined,
    ),
    multiValued(
      'x509Certificates',
      "The user's X.509 certificates.",
      'certificate',
      undefined,
      binary('value', 'The DER-encoded certificate, base64-encoded.'),
    ),
  ],
};
