import { registerEnumType } from 'type-graphql';

export enum MembershipDepth {
  DIRECT = 'DIRECT',
  INHERITED = 'INHERITED',
  ALL = 'ALL',
}
registerEnumType(MembershipDepth, {
  name: 'MembershipDepth',
  description: 'How a membership is held.',
  valuesConfig: {
    DIRECT: { description: 'A member of the group itself.' },
    INHERITED: { description: 'A member only through nested groups (not directly).' },
    ALL: { description: 'A member directly or through nested groups.' },
  },
});

export enum MemberKind {
  USER = 'USER',
  GROUP = 'GROUP',
}
registerEnumType(MemberKind, { name: 'MemberKind', description: 'The kind of a group member.' });

export enum Source {
  SCIM = 'SCIM',
  API = 'API',
}
registerEnumType(Source, {
  name: 'Source',
  description: 'Where a record was created.',
  valuesConfig: {
    SCIM: { description: 'Provisioned by the identity provider (Microsoft Entra ID) over SCIM.' },
    API: { description: 'Created by a CheckProof application over GraphQL.' },
  },
});

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, { name: 'OrderDirection' });

export enum ApiScope {
  DIRECTORY_READ = 'DIRECTORY_READ',
  DIRECTORY_WRITE = 'DIRECTORY_WRITE',
  TENANT_ADMIN = 'TENANT_ADMIN',
}
registerEnumType(ApiScope, {
  name: 'ApiScope',
  description: 'What a tenant API key or JWT may do. WRITE and TENANT_ADMIN include READ.',
  valuesConfig: {
    DIRECTORY_READ: { description: 'Read users, groups, roles and memberships.' },
    DIRECTORY_WRITE: {
      description: 'Create, change and delete users, groups, memberships and role assignments.',
    },
    TENANT_ADMIN: { description: 'Manage the SCIM provisioning tokens and API keys of the tenant.' },
  },
});

/** The description of every `asOf` argument. */
export const AS_OF_DESCRIPTION =
  'Answer as of this instant (membership history; groups deleted since appear as they last were, users deleted since are counted but not listed). Absent: now.';

/** An optional asOf argument as the domain takes it. */
export function asOfOf(asOf: Date | null | undefined): Date | undefined {
  return asOf ?? undefined;
}

/** The domain's depth for a GraphQL MembershipDepth. */
export function depthOf(depth: MembershipDepth | null | undefined): 'DIRECT' | 'INHERITED' | 'ALL' {
  return depth ?? MembershipDepth.DIRECT;
}

/** The domain's member kind filter for an optional GraphQL MemberKind. */
export function kindOf(kind: MemberKind | null | undefined): 'User' | 'Group' | 'Any' {
  if (kind === MemberKind.USER) return 'User';
  if (kind === MemberKind.GROUP) return 'Group';
  return 'Any';
}
