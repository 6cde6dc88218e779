/**
 * The canonical User and Group attributes (RFC 7643 §4.1, §4.2, §4.3) as PATCH sees them. These
 * names are the spelling every PATCH result uses, whatever case the client sent.
 */
import { SCHEMA_ENTERPRISE_USER, SCHEMA_GROUP, SCHEMA_USER } from '../schemas';
import type { AttrDef, AttrType, ResourceSchema } from './schema';

const attr = (name: string, type: AttrType = 'string', more: Partial<AttrDef> = {}): AttrDef => ({
  name,
  type,
  ...more,
});
const multi = (name: string, subAttributes: readonly AttrDef[], more: Partial<AttrDef> = {}): AttrDef =>
  attr(name, 'complex', { multiValued: true, subAttributes, ...more });

/** value/display/type/primary: the sub-attributes of emails, phoneNumbers, ims, roles, … */
const standardSubs = (valueType: AttrType = 'string'): AttrDef[] => [
  attr('value', valueType),
  attr('display'),
  attr('type'),
  attr('primary', 'boolean'),
];

/** Attributes every resource has (RFC 7643 §3.1): id, meta and schemas are set by the server. */
const common: AttrDef[] = [
  attr('id', 'string', { mutability: 'readOnly' }),
  attr('schemas', 'reference', { multiValued: true, mutability: 'readOnly' }),
  attr('meta', 'complex', {
    mutability: 'readOnly',
    subAttributes: ['resourceType', 'created', 'lastModified', 'location', 'version'].map((n) =>
      attr(n, 'string', { mutability: 'readOnly' }),
    ),
  }),
  attr('externalId'),
];

const nameSubs = ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'];
const addressSubs = ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'];

export const USER_ATTRIBUTES: readonly AttrDef[] = [
  ...common,
  attr('userName', 'string', { required: true }),
  attr('name', 'complex', { subAttributes: nameSubs.map((n) => attr(n)) }),
  attr('displayName'),
  attr('nickName'),
  attr('profileUrl', 'reference'),
  attr('title'),
  attr('userType'),
  attr('preferredLanguage'),
  attr('locale'),
  attr('timezone'),
  // Our representation always carries `active` (Entra reads it after every cycle), so it cannot be
  // removed: `required` here means "cannot be unassigned", which is how the appliers use it.
  attr('active', 'boolean', { required: true }),
  attr('password', 'string', { mutability: 'writeOnly' }),
  multi('emails', standardSubs()),
  multi('phoneNumbers', standardSubs()),
  multi('ims', standardSubs()),
  multi('photos', standardSubs('reference')),
  multi('addresses', [...addressSubs.map((n) => attr(n)), attr('primary', 'boolean')]),
  multi('groups', [attr('value'), attr('$ref', 'reference'), attr('display'), attr('type')], {
    mutability: 'readOnly',
  }),
  multi('entitlements', standardSubs()),
  multi('roles', standardSubs()),
  multi('x509Certificates', standardSubs('binary')),
];

export const ENTERPRISE_USER_ATTRIBUTES: readonly AttrDef[] = [
  attr('employeeNumber'),
  attr('costCenter'),
  attr('organization'),
  attr('division'),
  attr('department'),
  attr('manager', 'complex', {
    subAttributes: [
      attr('value'),
      attr('$ref', 'reference'),
      attr('displayName', 'string', { mutability: 'readOnly' }),
    ],
  }),
];

export const USER_SCHEMA: ResourceSchema = {
  resourceType: 'User',
  coreUrn: SCHEMA_USER,
  attributes: USER_ATTRIBUTES,
  extensions: [{ urn: SCHEMA_ENTERPRISE_USER, attributes: ENTERPRISE_USER_ATTRIBUTES }],
};

export const GROUP_SCHEMA: ResourceSchema = {
  resourceType: 'Group',
  coreUrn: SCHEMA_GROUP,
  attributes: [
    ...common,
    attr('displayName', 'string', { required: true }),
    multi('members', [attr('value'), attr('display'), attr('$ref', 'reference'), attr('type')]),
  ],
  extensions: [],
};
