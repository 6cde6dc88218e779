/** Where a record was created: by Entra over SCIM, or by CheckProof apps over GraphQL. */
export type Source = 'SCIM' | 'API';

/** A multi-valued attribute entry (emails, phoneNumbers, ims, photos, ...), stored exactly as sent. */
export interface MultiValued {
  value?: string | null;
  type?: string | null;
  primary?: boolean;
  display?: string | null;
}

export interface Address {
  type?: string | null;
  formatted?: string | null;
  streetAddress?: string | null;
  locality?: string | null;
  region?: string | null;
  postalCode?: string | null;
  country?: string | null;
  primary?: boolean;
}

export interface PersonName {
  formatted: string | null;
  familyName: string | null;
  givenName: string | null;
  middleName: string | null;
  honorificPrefix: string | null;
  honorificSuffix: string | null;
}

export interface EnterpriseAttributes {
  employeeNumber: string | null;
  costCenter: string | null;
  organization: string | null;
  division: string | null;
  department: string | null;
  managerId: string | null;
}

export interface RoleAssignment {
  value: string;
  display: string | null;
  type: string | null;
  primary: boolean;
}

/** The writable attributes of a user. `null` means absent. */
export interface UserAttributes {
  userName: string;
  externalId: string | null;
  active: boolean;
  displayName: string | null;
  name: PersonName;
  nickName: string | null;
  profileUrl: string | null;
  title: string | null;
  userType: string | null;
  preferredLanguage: string | null;
  locale: string | null;
  timezone: string | null;
  emails: MultiValued[];
  phoneNumbers: MultiValued[];
  addresses: Address[];
  ims: MultiValued[];
  photos: MultiValued[];
  entitlements: MultiValued[];
  x509Certificates: MultiValued[];
  enterprise: EnterpriseAttributes;
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
