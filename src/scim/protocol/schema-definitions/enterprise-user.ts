import { SCHEMA_ENTERPRISE_USER } from '../schemas';
import type { SchemaDefinition } from './attribute';
import { complex, reference, str } from './attribute';

/** The enterprise User extension (RFC 7643 §4.3, §8.7.1). */
export const ENTERPRISE_USER_SCHEMA: SchemaDefinition = {
  id: SCHEMA_ENTERPRISE_USER,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber', 'The identifier the organisation assigns to the user.'),
    str('costCenter', 'The cost center.'),
    str('organization', 'The organisation.'),
    str('division', 'The division.'),
    str('department', 'The department.'),
    complex(
      'manager',
      'The user\'s manager. Send the manager\'s id as a string or as {"value": id}; an empty value removes it.',
      [
        str('value', 'The id of the manager, a User of the same tenant.', { caseExact: true }),
        reference('$ref', 'The URI of the manager.', ['User']),
        str('displayName', "The manager's displayName.", { mutability: 'readOnly' }),
      ],
    ),
  ],
};
