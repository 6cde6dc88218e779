/** Where a record was created: by Entra over SCIM, or by CheckProof apps over GraphQL. */
export type Source = 'SCIM' | 'API';

import type { StoredUserAttributes } from './user.definition';

export type { Address, MultiValued } from './user.values';

/** The writable attributes of a user, derived from the definition (user.definition.ts). */
export type UserAttributes = StoredUserAttributes;
export type PersonName = UserAttributes['name'];
export type EnterpriseAttributes = UserAttributes['enterprise'];

export interface RoleAssignment {
  value: string;
  display: string | null;
  type: string | null;
  primary: boolean;
}

/** A user as the domain returns it: attributes, role assignments, manager summary and metadata. */
export interface UserRecord extends UserAttributes {
  id: string;
  tenantId: string;
  roles: RoleAssignment[];
  manager: { id: string; displayName: string | null; userName: string } | null;
  source: Source;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Input to create or replace a user; omitted attributes become absent. */
export type UserInput = Partial<UserAttributes> & { userName: string; roles?: RoleInput[] };

export interface RoleInput {
  value: string;
  display?: string | null;
  type?: string | null;
  primary?: boolean;
}
