/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> =
  T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ConnectionState =
  /** At least one write (create, update, disable, delete) arrived. */
  | 'PROVISIONING'
  /** Entra's Test Connection arrived; no write yet. */
  | 'TEST_RECEIVED'
  /** Neither a Test Connection nor a write has arrived yet. */
  | 'WAITING';

export type CreateTenantInput = {
  name: string;
  /** Lower-case letters, digits and hyphens; unique. */
  slug: string;
};

export type CreateWebhookEndpointInput = {
  description?: string | null | undefined;
  /** Default true. */
  enabled?: boolean | null | undefined;
  /** Event types to send (e.g. user.created, group.member_added); omitted or empty: every type. */
  eventTypes?: Array<string> | null | undefined;
  /** An https (or http) URL; loopback, private and link-local targets are refused. */
  url: string;
};

/** A time range; all given bounds must hold. */
export type DateTimeFilter = {
  /** Strictly after. */
  gt?: string | null | undefined;
  /** At or after. */
  gte?: string | null | undefined;
  /** Strictly before. */
  lt?: string | null | undefined;
  /** At or before. */
  lte?: string | null | undefined;
};

/** Typed group filter: every given field must hold. It compiles to the same filter language as scimFilter. */
export type GroupFilter = {
  /** Every one of these holds. */
  and?: Array<GroupFilter> | null | undefined;
  createdAt?: DateTimeFilter | null | undefined;
  displayName?: StringFilter | null | undefined;
  externalId?: StringFilter | null | undefined;
  /** true: has at least one direct member; false: empty. */
  hasMembers?: boolean | null | undefined;
  id?: IdFilter | null | undefined;
  /** Has a direct member (user or group) with this id. */
  member?: IdFilter | null | undefined;
  /** Nested in this group, at the given depth. */
  memberOf?: MemberOfFilter | null | undefined;
  /** true: nested in at least one group; false: a top-level group. */
  memberOfAny?: boolean | null | undefined;
  /** This does not hold. */
  not?: GroupFilter | null | undefined;
  /** At least one of these holds. */
  or?: Array<GroupFilter> | null | undefined;
  updatedAt?: DateTimeFilter | null | undefined;
};

/** Conditions on an id. */
export type IdFilter = {
  equals?: string | number | null | undefined;
  /** One of these (at most 1000). */
  in?: Array<string | number> | null | undefined;
  /** true: set; false: not set. */
  present?: boolean | null | undefined;
};

export type MassDeprovisioningAlertInput = {
  /** At least 1; omitted: unchanged. */
  minUsers?: number | null | undefined;
  /** More than 0, at most 100; omitted: unchanged. */
  percent?: number | null | undefined;
  /** The operator names the tenant (or acts in it); a tenant admin sets its own. */
  tenantId?: string | number | null | undefined;
};

/** Membership of a group. */
export type MemberOfFilter = {
  groupId: string | number;
  membership?: MembershipDepth | null | undefined;
};

/** How a membership is held. */
export type MembershipDepth =
  /** A member directly or through nested groups. */
  | 'ALL'
  /** A member of the group itself. */
  | 'DIRECT'
  /** A member only through nested groups (not directly). */
  | 'INHERITED';

export type PrincipalKind = 'API_KEY' | 'JWT' | 'OPERATOR' | 'TENANT_ADMIN';

/** Every given field must hold. */
export type ProvisioningActivityFilter = {
  /** At or after. */
  from?: string | null | undefined;
  operation?: ProvisioningOperation | null | undefined;
  outcome?: ProvisioningOutcome | null | undefined;
  resourceType?: ProvisioningResourceType | null | undefined;
  /** The start of the userName or displayName of the resource the request touched (case-insensitive). */
  search?: string | null | undefined;
  /** Strictly before. */
  to?: string | null | undefined;
};

/** What a SCIM request did. */
export type ProvisioningOperation =
  /** POST /Users or /Groups. */
  | 'CREATE'
  /** DELETE. */
  | 'DELETE'
  /** PUT or PATCH of a user that sets active to false (Entra's soft delete). */
  | 'DISABLE'
  /** GET, and POST …/.search. */
  | 'READ'
  /** PUT or PATCH, other than a disable. */
  | 'UPDATE';

export type ProvisioningOutcome =
  /** Answered with a status of 400 or more. */
  | 'FAILURE'
  /** Answered with a status below 400. */
  | 'SUCCESS';

export type ProvisioningResourceType = 'GROUP' | 'USER';

/** How close Entra is to quarantining the provisioning job. Entra's rule: evaluated once there are 5,000 failures, it quarantines when failures exceed 40 % of requests. */
export type QuarantineRisk =
  /** Failure rate over 20 % or more than 2,500 failures in the last 24 h. */
  | 'APPROACHING'
  /** Failure rate over 40 % with at least 5,000 failures in the last 24 h. */
  | 'LIKELY'
  /** Failure rate at most 20 % and at most 2,500 failures in the last 24 h. */
  | 'NONE';

/** Where a record was created. */
export type Source =
  /** Created by a CheckProof application over GraphQL. */
  | 'API'
  /** Provisioned by the identity provider (Microsoft Entra ID) over SCIM. */
  | 'SCIM';

/** Conditions on a text attribute; all given conditions must hold. */
export type StringFilter = {
  contains?: string | null | undefined;
  endsWith?: string | null | undefined;
  /** Equal (case-insensitive unless the attribute is case-exact). */
  equals?: string | null | undefined;
  /** Equal to one of these (at most 1000). */
  in?: Array<string> | null | undefined;
  /** true: has a value; false: has none. */
  present?: boolean | null | undefined;
  startsWith?: string | null | undefined;
};

/** A tenant's provisioning health from its SCIM requests of the last 24 hours. */
export type TenantHealth =
  /** More than 20 % failed (Entra's quarantine risk starts here). */
  | 'FAILING'
  /** At most 2 % of requests failed (status 400 or more). */
  | 'HEALTHY'
  /** No SCIM request in the last 24 hours. */
  | 'IDLE'
  /** More than 2 % and at most 20 % failed. */
  | 'WARNING';

export type UpdateTenantInput = {
  /** A new name (1-200 characters); omitted: unchanged. */
  name?: string | null | undefined;
  /** A new slug, validated as in createTenant (lower-case letters, digits and hyphens; unique); omitted: unchanged. */
  slug?: string | null | undefined;
};

/** Fields left out stay as they are. */
export type UpdateWebhookEndpointInput = {
  description?: string | null | undefined;
  /** false stops deliveries and cancels pending ones; true starts again from now (send missed events with redeliverWebhooks). */
  enabled?: boolean | null | undefined;
  eventTypes?: Array<string> | null | undefined;
  url?: string | null | undefined;
};

/** Typed user filter: every given field must hold. It compiles to the same filter language as scimFilter. */
export type UserFilter = {
  active?: boolean | null | undefined;
  /** Every one of these holds. */
  and?: Array<UserFilter> | null | undefined;
  costCenter?: StringFilter | null | undefined;
  createdAt?: DateTimeFilter | null | undefined;
  department?: StringFilter | null | undefined;
  displayName?: StringFilter | null | undefined;
  division?: StringFilter | null | undefined;
  /** Any of the e-mail addresses. */
  email?: StringFilter | null | undefined;
  employeeNumber?: StringFilter | null | undefined;
  externalId?: StringFilter | null | undefined;
  familyName?: StringFilter | null | undefined;
  givenName?: StringFilter | null | undefined;
  id?: IdFilter | null | undefined;
  /** The manager's user id. */
  manager?: IdFilter | null | undefined;
  /** Member of this group, at the given depth. */
  memberOf?: MemberOfFilter | null | undefined;
  /** true: a direct member of at least one group; false: a member of no group at all. */
  memberOfAny?: boolean | null | undefined;
  /** This does not hold. */
  not?: UserFilter | null | undefined;
  /** At least one of these holds. */
  or?: Array<UserFilter> | null | undefined;
  organization?: StringFilter | null | undefined;
  preferredLanguage?: StringFilter | null | undefined;
  /** A role the user holds, e.g. { equals: "Admin" }; { present: false } = holds no role. */
  role?: StringFilter | null | undefined;
  title?: StringFilter | null | undefined;
  updatedAt?: DateTimeFilter | null | undefined;
  userName?: StringFilter | null | undefined;
};

export type WebhookDeliveryState =
  /** Not sent: the endpoint was disabled first. */
  | 'CANCELLED'
  /** The receiver answered 2xx. */
  | 'DELIVERED'
  /** Every attempt failed (or the receiver answered 410); redeliver it to try again. */
  | 'FAILED'
  /** Waiting for its first attempt or a retry (or behind an earlier event of its subject). */
  | 'PENDING';

export type WebhookDisabledReason =
  /** Every attempt failed for 3 days. */
  | 'FAILING'
  /** The receiver answered 410 Gone. */
  | 'GONE'
  /** An administrator disabled it. */
  | 'MANUAL';

/** How an endpoint is doing. */
export type WebhookEndpointStatus =
  /** Enabled, and its last attempt succeeded (or none was made yet). */
  | 'ACTIVE'
  /** Receives nothing (see disabledReason) until enabled again. */
  | 'DISABLED'
  /** Enabled, but every attempt since failingSince failed; disabled after 3 days. */
  | 'FAILING';

export type ActivityQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  filter?: ProvisioningActivityFilter | null | undefined;
}>;

export type ActivityQuery = {
  provisioningActivity: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      node: {
        id: string;
        createdAt: string;
        method: string;
        path: string;
        status: number;
        durationMs: number;
        operation: ProvisioningOperation | null;
        resourceType: ProvisioningResourceType | null;
        resourceId: string | null;
        resourceName: string | null;
        actor: string | null;
        errorDetail: string | null;
        warnings: Array<string>;
        requestId: string;
        requestBody: unknown;
        responseBody: unknown;
      };
    }>;
  };
};

export type ActivityHealthQueryVariables = Exact<{ [key: string]: never }>;

export type ActivityHealthQuery = {
  provisioningHealth: {
    requestsLastHour: number;
    failuresLastHour: number;
    requestsLast24h: number;
    failuresLast24h: number;
    failureRate24h: number;
    lastRequestAt: string | null;
    cycleInProgress: boolean;
    quarantineRisk: QuarantineRisk;
  };
};

export type DeletedUsersQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  search?: string | null | undefined;
}>;

export type DeletedUsersQuery = {
  deletedUsers: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      node: {
        id: string;
        userName: string;
        displayName: string | null;
        active: boolean;
        roles: Array<string>;
        groupCount: number;
        deletedAt: string;
        deletedBy: string;
      };
    }>;
  };
};

export type DeletedGroupsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  search?: string | null | undefined;
}>;

export type DeletedGroupsQuery = {
  deletedGroups: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      node: {
        id: string;
        displayName: string;
        memberCount: number;
        parentCount: number;
        deletedAt: string;
        deletedBy: string;
      };
    }>;
  };
};

export type RestoreUserMutationVariables = Exact<{
  id: string | number;
}>;

export type RestoreUserMutation = {
  restoreUser: { id: string; userName: string; displayName: string | null };
};

export type RestoreGroupMutationVariables = Exact<{
  id: string | number;
}>;

export type RestoreGroupMutation = { restoreGroup: { id: string; displayName: string } };

export type RestoreUsersMutationVariables = Exact<{
  since: string;
}>;

export type RestoreUsersMutation = {
  restoreUsers: {
    restored: number;
    reenabled: number;
    conflicts: Array<{ id: string; name: string; message: string; conflictingId: string | null }>;
  };
};

export type MassDeprovisioningAlertQueryVariables = Exact<{ [key: string]: never }>;

export type MassDeprovisioningAlertQuery = {
  massDeprovisioningAlert: { percent: number; minUsers: number; lastAlertAt: string | null };
};

export type SetMassDeprovisioningAlertMutationVariables = Exact<{
  input: MassDeprovisioningAlertInput;
}>;

export type SetMassDeprovisioningAlertMutation = {
  setMassDeprovisioningAlert: { percent: number; minUsers: number; lastAlertAt: string | null };
};

export type UsersQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  filter?: UserFilter | null | undefined;
}>;

export type UsersQuery = {
  users: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      node: {
        id: string;
        userName: string;
        displayName: string | null;
        active: boolean;
        title: string | null;
        department: string | null;
        source: Source;
        updatedAt: string;
      };
    }>;
  };
};

export type UserDetailQueryVariables = Exact<{
  id: string | number;
}>;

export type UserDetailQuery = {
  user: {
    id: string;
    userName: string;
    displayName: string | null;
    active: boolean;
    externalId: string | null;
    source: Source;
    userType: string | null;
    title: string | null;
    nickName: string | null;
    locale: string | null;
    preferredLanguage: string | null;
    timezone: string | null;
    employeeNumber: string | null;
    costCenter: string | null;
    organization: string | null;
    division: string | null;
    department: string | null;
    createdAt: string;
    updatedAt: string;
    version: number;
    name: {
      formatted: string | null;
      givenName: string | null;
      middleName: string | null;
      familyName: string | null;
      honorificPrefix: string | null;
      honorificSuffix: string | null;
    };
    emails: Array<{ value: string | null; type: string | null; primary: boolean }>;
    phoneNumbers: Array<{ value: string | null; type: string | null; primary: boolean }>;
    manager: { id: string; userName: string; displayName: string | null } | null;
    roles: Array<{ value: string; display: string | null; type: string | null; primary: boolean }>;
    directGroups: { totalCount: number; edges: Array<{ node: { id: string; displayName: string } }> };
    inheritedGroups: { totalCount: number };
    groupPaths: Array<{
      depth: number;
      group: { id: string; displayName: string };
      path: Array<{ id: string; displayName: string }>;
    }>;
    auditEvents: Array<{
      id: string;
      action: string;
      changedFields: Array<string>;
      actor: string;
      actorName: string | null;
      createdAt: string;
    }>;
  } | null;
};

export type GroupsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  filter?: GroupFilter | null | undefined;
}>;

export type GroupsQuery = {
  groups: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      node: {
        id: string;
        displayName: string;
        externalId: string | null;
        source: Source;
        direct: number;
        total: number;
      };
    }>;
  };
};

export type GroupDetailQueryVariables = Exact<{
  id: string | number;
  first: number;
  after?: string | null | undefined;
}>;

export type GroupDetailQuery = {
  group: {
    id: string;
    displayName: string;
    externalId: string | null;
    source: Source;
    createdAt: string;
    updatedAt: string;
    direct: number;
    total: number;
    members: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: Array<{
        node:
          | { __typename: 'Group'; id: string; groupName: string }
          | { __typename: 'User'; id: string; userName: string; displayName: string | null; active: boolean };
      }>;
    };
    nested: {
      totalCount: number;
      edges: Array<{
        node: { __typename: 'Group'; id: string; displayName: string } | { __typename: 'User' };
      }>;
    };
    parents: { totalCount: number; edges: Array<{ node: { id: string; displayName: string } }> };
  } | null;
};

export type RolesQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;

export type RolesQuery = {
  roles: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      node: {
        id: string;
        value: string;
        display: string | null;
        holders: {
          totalCount: number;
          edges: Array<{ node: { id: string; userName: string; displayName: string | null } }>;
        };
      };
    }>;
  };
};

export type ProvisioningSettingsQueryVariables = Exact<{ [key: string]: never }>;

export type ProvisioningSettingsQuery = {
  provisioning: {
    scimUrl: string;
    tokens: Array<{
      id: string;
      name: string;
      prefix: string;
      createdAt: string;
      lastUsedAt: string | null;
      revokedAt: string | null;
    }>;
  };
};

export type ConnectionStatusQueryVariables = Exact<{ [key: string]: never }>;

export type ConnectionStatusQuery = {
  provisioning: {
    connection: {
      state: ConnectionState;
      testConnectionAt: string | null;
      firstRequestAt: string | null;
      lastRequestAt: string | null;
      userCount: number;
      groupCount: number;
    };
  };
  provisioningHealth: {
    requestsLastHour: number;
    failuresLastHour: number;
    requestsLast24h: number;
    failuresLast24h: number;
    failureRate24h: number;
    lastRequestAt: string | null;
    cycleInProgress: boolean;
    quarantineRisk: QuarantineRisk;
  };
};

export type HealthFragment = {
  requestsLastHour: number;
  failuresLastHour: number;
  requestsLast24h: number;
  failuresLast24h: number;
  failureRate24h: number;
  lastRequestAt: string | null;
  cycleInProgress: boolean;
  quarantineRisk: QuarantineRisk;
};

export type RotateScimTokenMutationVariables = Exact<{
  name?: string | null | undefined;
}>;

export type RotateScimTokenMutation = {
  rotateScimToken: { scimToken: string; token: { id: string; prefix: string } };
};

export type RevokeScimTokenMutationVariables = Exact<{
  id: string | number;
}>;

export type RevokeScimTokenMutation = { revokeScimToken: { id: string; revokedAt: string | null } };

export type ViewerQueryVariables = Exact<{ [key: string]: never }>;

export type ViewerQuery = { viewer: { kind: PrincipalKind; tenantId: string | null } };

export type SignInMutationVariables = Exact<{
  adminToken: string;
}>;

export type SignInMutation = { signIn: { kind: PrincipalKind; tenantId: string | null } };

export type SignOutMutationVariables = Exact<{ [key: string]: never }>;

export type SignOutMutation = { signOut: boolean };

export type RedeemSetupLinkMutationVariables = Exact<{
  secret: string;
}>;

export type RedeemSetupLinkMutation = { redeemSetupLink: { kind: PrincipalKind; tenantId: string | null } };

export type TenantsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  search?: string | null | undefined;
}>;

export type TenantsQuery = {
  tenantsConnection: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      node: {
        id: string;
        name: string;
        slug: string;
        createdAt: string;
        userCount: number;
        groupCount: number;
        lastRequestAt: string | null;
        health: TenantHealth;
        suspendedAt: string | null;
        suspendedReason: string | null;
        scimUrl: string;
      };
    }>;
  };
};

export type CreateTenantMutationVariables = Exact<{
  input: CreateTenantInput;
}>;

export type CreateTenantMutation = {
  createTenant: { scimUrl: string; scimToken: string; tenant: { id: string; name: string; slug: string } };
};

export type CreateSetupLinkMutationVariables = Exact<{
  tenantId: string | number;
  expiresInHours?: number | null | undefined;
}>;

export type CreateSetupLinkMutation = { createSetupLink: { url: string; expiresAt: string } };

export type UpdateTenantMutationVariables = Exact<{
  id: string | number;
  input: UpdateTenantInput;
}>;

export type UpdateTenantMutation = {
  updateTenant: {
    previousSlug: string;
    changedFields: Array<string>;
    scimUrl: string;
    tenant: { id: string; name: string; slug: string };
  };
};

export type SuspendTenantMutationVariables = Exact<{
  id: string | number;
  reason: string;
}>;

export type SuspendTenantMutation = {
  suspendTenant: { id: string; suspendedAt: string | null; suspendedReason: string | null };
};

export type ResumeTenantMutationVariables = Exact<{
  id: string | number;
}>;

export type ResumeTenantMutation = { resumeTenant: { id: string; suspendedAt: string | null } };

export type DeleteTenantMutationVariables = Exact<{
  id: string | number;
  confirmSlug: string;
}>;

export type DeleteTenantMutation = {
  deleteTenant: {
    id: string;
    slug: string;
    name: string;
    counts: {
      users: number;
      groups: number;
      memberships: number;
      roles: number;
      scimTokens: number;
      apiKeys: number;
      provisioningLog: number;
      auditEvents: number;
      webhookEndpoints: number;
    };
  };
};

export type OperatorRotateScimTokenMutationVariables = Exact<{
  tenantId: string | number;
  revokeOthers: boolean;
}>;

export type OperatorRotateScimTokenMutation = {
  rotateScimToken: {
    scimToken: string;
    token: { id: string; prefix: string };
    revoked: Array<{ id: string }>;
  };
};

export type OperatorRevokeScimTokensMutationVariables = Exact<{
  tenantId: string | number;
}>;

export type OperatorRevokeScimTokensMutation = { revokeScimTokens: { revoked: Array<{ id: string }> } };

export type WebhookEndpointFieldsFragment = {
  id: string;
  url: string;
  description: string;
  eventTypes: Array<string>;
  enabled: boolean;
  status: WebhookEndpointStatus;
  disabledAt: string | null;
  disabledReason: WebhookDisabledReason | null;
  failingSince: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  pendingDeliveries: number;
  previousSecretUntil: string | null;
  createdAt: string;
  updatedAt: string;
};

export type WebhookEndpointsQueryVariables = Exact<{ [key: string]: never }>;

export type WebhookEndpointsQuery = {
  webhookEndpoints: Array<{
    id: string;
    url: string;
    description: string;
    eventTypes: Array<string>;
    enabled: boolean;
    status: WebhookEndpointStatus;
    disabledAt: string | null;
    disabledReason: WebhookDisabledReason | null;
    failingSince: string | null;
    lastSuccessAt: string | null;
    lastFailureAt: string | null;
    pendingDeliveries: number;
    previousSecretUntil: string | null;
    createdAt: string;
    updatedAt: string;
  }>;
};

export type WebhookEndpointQueryVariables = Exact<{
  id: string | number;
}>;

export type WebhookEndpointQuery = {
  webhookEndpoint: {
    id: string;
    url: string;
    description: string;
    eventTypes: Array<string>;
    enabled: boolean;
    status: WebhookEndpointStatus;
    disabledAt: string | null;
    disabledReason: WebhookDisabledReason | null;
    failingSince: string | null;
    lastSuccessAt: string | null;
    lastFailureAt: string | null;
    pendingDeliveries: number;
    previousSecretUntil: string | null;
    createdAt: string;
    updatedAt: string;
  };
};

export type WebhookDeliveriesQueryVariables = Exact<{
  endpointId: string | number;
  first: number;
  after?: string | null | undefined;
  state?: WebhookDeliveryState | null | undefined;
}>;

export type WebhookDeliveriesQuery = {
  webhookDeliveries: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      node: {
        id: string;
        messageId: string;
        eventType: string;
        subjectKey: string;
        state: WebhookDeliveryState;
        attemptCount: number;
        lastStatus: number | null;
        lastError: string | null;
        nextAttemptAt: string | null;
        finishedAt: string | null;
        createdAt: string;
        redeliveryOf: string | null;
        attempts: Array<{
          id: string;
          attemptedAt: string;
          status: number | null;
          latencyMs: number;
          error: string | null;
          responseExcerpt: string | null;
        }>;
      };
    }>;
  };
};

export type WebhookDeliveryQueryVariables = Exact<{
  id: string | number;
}>;

export type WebhookDeliveryQuery = {
  webhookDelivery: {
    id: string;
    messageId: string;
    eventType: string;
    subjectKey: string;
    state: WebhookDeliveryState;
    attemptCount: number;
    lastStatus: number | null;
    lastError: string | null;
    nextAttemptAt: string | null;
    finishedAt: string | null;
    createdAt: string;
    redeliveryOf: string | null;
    attempts: Array<{
      id: string;
      attemptedAt: string;
      status: number | null;
      latencyMs: number;
      error: string | null;
      responseExcerpt: string | null;
    }>;
  };
};

export type WebhookDeliveryFieldsFragment = {
  id: string;
  messageId: string;
  eventType: string;
  subjectKey: string;
  state: WebhookDeliveryState;
  attemptCount: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  redeliveryOf: string | null;
  attempts: Array<{
    id: string;
    attemptedAt: string;
    status: number | null;
    latencyMs: number;
    error: string | null;
    responseExcerpt: string | null;
  }>;
};

export type CreateWebhookEndpointMutationVariables = Exact<{
  input: CreateWebhookEndpointInput;
}>;

export type CreateWebhookEndpointMutation = {
  createWebhookEndpoint: {
    secret: string;
    endpoint: {
      id: string;
      url: string;
      description: string;
      eventTypes: Array<string>;
      enabled: boolean;
      status: WebhookEndpointStatus;
      disabledAt: string | null;
      disabledReason: WebhookDisabledReason | null;
      failingSince: string | null;
      lastSuccessAt: string | null;
      lastFailureAt: string | null;
      pendingDeliveries: number;
      previousSecretUntil: string | null;
      createdAt: string;
      updatedAt: string;
    };
  };
};

export type UpdateWebhookEndpointMutationVariables = Exact<{
  id: string | number;
  input: UpdateWebhookEndpointInput;
}>;

export type UpdateWebhookEndpointMutation = {
  updateWebhookEndpoint: {
    id: string;
    url: string;
    description: string;
    eventTypes: Array<string>;
    enabled: boolean;
    status: WebhookEndpointStatus;
    disabledAt: string | null;
    disabledReason: WebhookDisabledReason | null;
    failingSince: string | null;
    lastSuccessAt: string | null;
    lastFailureAt: string | null;
    pendingDeliveries: number;
    previousSecretUntil: string | null;
    createdAt: string;
    updatedAt: string;
  };
};

export type DeleteWebhookEndpointMutationVariables = Exact<{
  id: string | number;
}>;

export type DeleteWebhookEndpointMutation = { deleteWebhookEndpoint: { id: string } };

export type RotateWebhookSecretMutationVariables = Exact<{
  id: string | number;
  overlapHours: number;
}>;

export type RotateWebhookSecretMutation = {
  rotateWebhookSecret: {
    secret: string;
    endpoint: {
      id: string;
      url: string;
      description: string;
      eventTypes: Array<string>;
      enabled: boolean;
      status: WebhookEndpointStatus;
      disabledAt: string | null;
      disabledReason: WebhookDisabledReason | null;
      failingSince: string | null;
      lastSuccessAt: string | null;
      lastFailureAt: string | null;
      pendingDeliveries: number;
      previousSecretUntil: string | null;
      createdAt: string;
      updatedAt: string;
    };
  };
};

export type SendTestWebhookMutationVariables = Exact<{
  endpointId: string | number;
}>;

export type SendTestWebhookMutation = { sendTestWebhook: { id: string } };

export type RedeliverWebhookMutationVariables = Exact<{
  deliveryId: string | number;
}>;

export type RedeliverWebhookMutation = { redeliverWebhook: { id: string } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const HealthFragmentDoc = new TypedDocumentString(
  `
    fragment Health on ProvisioningHealth {
  requestsLastHour
  failuresLastHour
  requestsLast24h
  failuresLast24h
  failureRate24h
  lastRequestAt
  cycleInProgress
  quarantineRisk
}
    `,
  { fragmentName: 'Health' },
) as unknown as TypedDocumentString<HealthFragment, unknown>;
export const WebhookEndpointFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment WebhookEndpointFields on WebhookEndpoint {
  id
  url
  description
  eventTypes
  enabled
  status
  disabledAt
  disabledReason
  failingSince
  lastSuccessAt
  lastFailureAt
  pendingDeliveries
  previousSecretUntil
  createdAt
  updatedAt
}
    `,
  { fragmentName: 'WebhookEndpointFields' },
) as unknown as TypedDocumentString<WebhookEndpointFieldsFragment, unknown>;
export const WebhookDeliveryFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment WebhookDeliveryFields on WebhookDelivery {
  id
  messageId
  eventType
  subjectKey
  state
  attemptCount
  lastStatus
  lastError
  nextAttemptAt
  finishedAt
  createdAt
  redeliveryOf
  attempts {
    id
    attemptedAt
    status
    latencyMs
    error
    responseExcerpt
  }
}
    `,
  { fragmentName: 'WebhookDeliveryFields' },
) as unknown as TypedDocumentString<WebhookDeliveryFieldsFragment, unknown>;
export const ActivityDocument = new TypedDocumentString(`
    query Activity($first: Int!, $after: String, $filter: ProvisioningActivityFilter) {
  provisioningActivity(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        createdAt
        method
        path
        status
        durationMs
        operation
        resourceType
        resourceId
        resourceName
        actor
        errorDetail
        warnings
        requestId
        requestBody
        responseBody
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ActivityQuery, ActivityQueryVariables>;
export const ActivityHealthDocument = new TypedDocumentString(`
    query ActivityHealth {
  provisioningHealth {
    ...Health
  }
}
    fragment Health on ProvisioningHealth {
  requestsLastHour
  failuresLastHour
  requestsLast24h
  failuresLast24h
  failureRate24h
  lastRequestAt
  cycleInProgress
  quarantineRisk
}`) as unknown as TypedDocumentString<ActivityHealthQuery, ActivityHealthQueryVariables>;
export const DeletedUsersDocument = new TypedDocumentString(`
    query DeletedUsers($first: Int!, $after: String, $search: String) {
  deletedUsers(first: $first, after: $after, search: $search) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        userName
        displayName
        active
        roles
        groupCount
        deletedAt
        deletedBy
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DeletedUsersQuery, DeletedUsersQueryVariables>;
export const DeletedGroupsDocument = new TypedDocumentString(`
    query DeletedGroups($first: Int!, $after: String, $search: String) {
  deletedGroups(first: $first, after: $after, search: $search) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        displayName
        memberCount
        parentCount
        deletedAt
        deletedBy
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DeletedGroupsQuery, DeletedGroupsQueryVariables>;
export const RestoreUserDocument = new TypedDocumentString(`
    mutation RestoreUser($id: ID!) {
  restoreUser(id: $id) {
    id
    userName
    displayName
  }
}
    `) as unknown as TypedDocumentString<RestoreUserMutation, RestoreUserMutationVariables>;
export const RestoreGroupDocument = new TypedDocumentString(`
    mutation RestoreGroup($id: ID!) {
  restoreGroup(id: $id) {
    id
    displayName
  }
}
    `) as unknown as TypedDocumentString<RestoreGroupMutation, RestoreGroupMutationVariables>;
export const RestoreUsersDocument = new TypedDocumentString(`
    mutation RestoreUsers($since: DateTimeISO!) {
  restoreUsers(since: $since) {
    restored
    reenabled
    conflicts {
      id
      name
      message
      conflictingId
    }
  }
}
    `) as unknown as TypedDocumentString<RestoreUsersMutation, RestoreUsersMutationVariables>;
export const MassDeprovisioningAlertDocument = new TypedDocumentString(`
    query MassDeprovisioningAlert {
  massDeprovisioningAlert {
    percent
    minUsers
    lastAlertAt
  }
}
    `) as unknown as TypedDocumentString<MassDeprovisioningAlertQuery, MassDeprovisioningAlertQueryVariables>;
export const SetMassDeprovisioningAlertDocument = new TypedDocumentString(`
    mutation SetMassDeprovisioningAlert($input: MassDeprovisioningAlertInput!) {
  setMassDeprovisioningAlert(input: $input) {
    percent
    minUsers
    lastAlertAt
  }
}
    `) as unknown as TypedDocumentString<
  SetMassDeprovisioningAlertMutation,
  SetMassDeprovisioningAlertMutationVariables
>;
export const UsersDocument = new TypedDocumentString(`
    query Users($first: Int!, $after: String, $filter: UserFilter) {
  users(
    first: $first
    after: $after
    filter: $filter
    orderBy: {field: USER_NAME}
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        userName
        displayName
        active
        title
        department
        source
        updatedAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<UsersQuery, UsersQueryVariables>;
export const UserDetailDocument = new TypedDocumentString(`
    query UserDetail($id: ID!) {
  user(id: $id) {
    id
    userName
    displayName
    active
    externalId
    source
    userType
    title
    nickName
    locale
    preferredLanguage
    timezone
    employeeNumber
    costCenter
    organization
    division
    department
    createdAt
    updatedAt
    version
    name {
      formatted
      givenName
      middleName
      familyName
      honorificPrefix
      honorificSuffix
    }
    emails {
      value
      type
      primary
    }
    phoneNumbers {
      value
      type
      primary
    }
    manager {
      id
      userName
      displayName
    }
    roles {
      value
      display
      type
      primary
    }
    directGroups: groups(first: 100, membership: DIRECT) {
      totalCount
      edges {
        node {
          id
          displayName
        }
      }
    }
    inheritedGroups: groups(first: 0, membership: INHERITED) {
      totalCount
    }
    groupPaths(first: 200) {
      depth
      group {
        id
        displayName
      }
      path {
        id
        displayName
      }
    }
    auditEvents(first: 20) {
      id
      action
      changedFields
      actor
      actorName
      createdAt
    }
  }
}
    `) as unknown as TypedDocumentString<UserDetailQuery, UserDetailQueryVariables>;
export const GroupsDocument = new TypedDocumentString(`
    query Groups($first: Int!, $after: String, $filter: GroupFilter) {
  groups(
    first: $first
    after: $after
    filter: $filter
    orderBy: {field: MEMBER_COUNT, direction: DESC, membership: ALL}
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        displayName
        externalId
        source
        direct: memberCount(membership: DIRECT)
        total: memberCount(membership: ALL, kind: USER)
      }
    }
  }
}
    `) as unknown as TypedDocumentString<GroupsQuery, GroupsQueryVariables>;
export const GroupDetailDocument = new TypedDocumentString(`
    query GroupDetail($id: ID!, $first: Int!, $after: String) {
  group(id: $id) {
    id
    displayName
    externalId
    source
    createdAt
    updatedAt
    direct: memberCount(membership: DIRECT)
    total: memberCount(membership: ALL, kind: USER)
    members(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          __typename
          ... on User {
            id
            userName
            displayName
            active
          }
          ... on Group {
            id
            groupName: displayName
          }
        }
      }
    }
    nested: members(first: 100, kind: GROUP) {
      totalCount
      edges {
        node {
          __typename
          ... on Group {
            id
            displayName
          }
        }
      }
    }
    parents(first: 100) {
      totalCount
      edges {
        node {
          id
          displayName
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<GroupDetailQuery, GroupDetailQueryVariables>;
export const RolesDocument = new TypedDocumentString(`
    query Roles($first: Int!, $after: String) {
  roles(first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        value
        display
        holders: users(first: 5) {
          totalCount
          edges {
            node {
              id
              userName
              displayName
            }
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RolesQuery, RolesQueryVariables>;
export const ProvisioningSettingsDocument = new TypedDocumentString(`
    query ProvisioningSettings {
  provisioning {
    scimUrl
    tokens {
      id
      name
      prefix
      createdAt
      lastUsedAt
      revokedAt
    }
  }
}
    `) as unknown as TypedDocumentString<ProvisioningSettingsQuery, ProvisioningSettingsQueryVariables>;
export const ConnectionStatusDocument = new TypedDocumentString(`
    query ConnectionStatus {
  provisioning {
    connection {
      state
      testConnectionAt
      firstRequestAt
      lastRequestAt
      userCount
      groupCount
    }
  }
  provisioningHealth {
    ...Health
  }
}
    fragment Health on ProvisioningHealth {
  requestsLastHour
  failuresLastHour
  requestsLast24h
  failuresLast24h
  failureRate24h
  lastRequestAt
  cycleInProgress
  quarantineRisk
}`) as unknown as TypedDocumentString<ConnectionStatusQuery, ConnectionStatusQueryVariables>;
export const RotateScimTokenDocument = new TypedDocumentString(`
    mutation RotateScimToken($name: String) {
  rotateScimToken(name: $name) {
    scimToken
    token {
      id
      prefix
    }
  }
}
    `) as unknown as TypedDocumentString<RotateScimTokenMutation, RotateScimTokenMutationVariables>;
export const RevokeScimTokenDocument = new TypedDocumentString(`
    mutation RevokeScimToken($id: ID!) {
  revokeScimToken(id: $id) {
    id
    revokedAt
  }
}
    `) as unknown as TypedDocumentString<RevokeScimTokenMutation, RevokeScimTokenMutationVariables>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    kind
    tenantId
  }
}
    `) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;
export const SignInDocument = new TypedDocumentString(`
    mutation SignIn($adminToken: String!) {
  signIn(adminToken: $adminToken) {
    kind
    tenantId
  }
}
    `) as unknown as TypedDocumentString<SignInMutation, SignInMutationVariables>;
export const SignOutDocument = new TypedDocumentString(`
    mutation SignOut {
  signOut
}
    `) as unknown as TypedDocumentString<SignOutMutation, SignOutMutationVariables>;
export const RedeemSetupLinkDocument = new TypedDocumentString(`
    mutation RedeemSetupLink($secret: String!) {
  redeemSetupLink(secret: $secret) {
    kind
    tenantId
  }
}
    `) as unknown as TypedDocumentString<RedeemSetupLinkMutation, RedeemSetupLinkMutationVariables>;
export const TenantsDocument = new TypedDocumentString(`
    query Tenants($first: Int!, $after: String, $search: String) {
  tenantsConnection(first: $first, after: $after, search: $search) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        name
        slug
        createdAt
        userCount
        groupCount
        lastRequestAt
        health
        suspendedAt
        suspendedReason
        scimUrl
      }
    }
  }
}
    `) as unknown as TypedDocumentString<TenantsQuery, TenantsQueryVariables>;
export const CreateTenantDocument = new TypedDocumentString(`
    mutation CreateTenant($input: CreateTenantInput!) {
  createTenant(input: $input) {
    tenant {
      id
      name
      slug
    }
    scimUrl
    scimToken
  }
}
    `) as unknown as TypedDocumentString<CreateTenantMutation, CreateTenantMutationVariables>;
export const CreateSetupLinkDocument = new TypedDocumentString(`
    mutation CreateSetupLink($tenantId: ID!, $expiresInHours: Int) {
  createSetupLink(tenantId: $tenantId, expiresInHours: $expiresInHours) {
    url
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<CreateSetupLinkMutation, CreateSetupLinkMutationVariables>;
export const UpdateTenantDocument = new TypedDocumentString(`
    mutation UpdateTenant($id: ID!, $input: UpdateTenantInput!) {
  updateTenant(id: $id, input: $input) {
    tenant {
      id
      name
      slug
    }
    previousSlug
    changedFields
    scimUrl
  }
}
    `) as unknown as TypedDocumentString<UpdateTenantMutation, UpdateTenantMutationVariables>;
export const SuspendTenantDocument = new TypedDocumentString(`
    mutation SuspendTenant($id: ID!, $reason: String!) {
  suspendTenant(id: $id, reason: $reason) {
    id
    suspendedAt
    suspendedReason
  }
}
    `) as unknown as TypedDocumentString<SuspendTenantMutation, SuspendTenantMutationVariables>;
export const ResumeTenantDocument = new TypedDocumentString(`
    mutation ResumeTenant($id: ID!) {
  resumeTenant(id: $id) {
    id
    suspendedAt
  }
}
    `) as unknown as TypedDocumentString<ResumeTenantMutation, ResumeTenantMutationVariables>;
export const DeleteTenantDocument = new TypedDocumentString(`
    mutation DeleteTenant($id: ID!, $confirmSlug: String!) {
  deleteTenant(id: $id, confirmSlug: $confirmSlug) {
    id
    slug
    name
    counts {
      users
      groups
      memberships
      roles
      scimTokens
      apiKeys
      provisioningLog
      auditEvents
      webhookEndpoints
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteTenantMutation, DeleteTenantMutationVariables>;
export const OperatorRotateScimTokenDocument = new TypedDocumentString(`
    mutation OperatorRotateScimToken($tenantId: ID!, $revokeOthers: Boolean!) {
  rotateScimToken(tenantId: $tenantId, revokeOthers: $revokeOthers) {
    scimToken
    token {
      id
      prefix
    }
    revoked {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<
  OperatorRotateScimTokenMutation,
  OperatorRotateScimTokenMutationVariables
>;
export const OperatorRevokeScimTokensDocument = new TypedDocumentString(`
    mutation OperatorRevokeScimTokens($tenantId: ID!) {
  revokeScimTokens(tenantId: $tenantId) {
    revoked {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<
  OperatorRevokeScimTokensMutation,
  OperatorRevokeScimTokensMutationVariables
>;
export const WebhookEndpointsDocument = new TypedDocumentString(`
    query WebhookEndpoints {
  webhookEndpoints {
    ...WebhookEndpointFields
  }
}
    fragment WebhookEndpointFields on WebhookEndpoint {
  id
  url
  description
  eventTypes
  enabled
  status
  disabledAt
  disabledReason
  failingSince
  lastSuccessAt
  lastFailureAt
  pendingDeliveries
  previousSecretUntil
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<WebhookEndpointsQuery, WebhookEndpointsQueryVariables>;
export const WebhookEndpointDocument = new TypedDocumentString(`
    query WebhookEndpoint($id: ID!) {
  webhookEndpoint(id: $id) {
    ...WebhookEndpointFields
  }
}
    fragment WebhookEndpointFields on WebhookEndpoint {
  id
  url
  description
  eventTypes
  enabled
  status
  disabledAt
  disabledReason
  failingSince
  lastSuccessAt
  lastFailureAt
  pendingDeliveries
  previousSecretUntil
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<WebhookEndpointQuery, WebhookEndpointQueryVariables>;
export const WebhookDeliveriesDocument = new TypedDocumentString(`
    query WebhookDeliveries($endpointId: ID!, $first: Int!, $after: String, $state: WebhookDeliveryState) {
  webhookDeliveries(
    endpointId: $endpointId
    first: $first
    after: $after
    state: $state
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...WebhookDeliveryFields
      }
    }
  }
}
    fragment WebhookDeliveryFields on WebhookDelivery {
  id
  messageId
  eventType
  subjectKey
  state
  attemptCount
  lastStatus
  lastError
  nextAttemptAt
  finishedAt
  createdAt
  redeliveryOf
  attempts {
    id
    attemptedAt
    status
    latencyMs
    error
    responseExcerpt
  }
}`) as unknown as TypedDocumentString<WebhookDeliveriesQuery, WebhookDeliveriesQueryVariables>;
export const WebhookDeliveryDocument = new TypedDocumentString(`
    query WebhookDelivery($id: ID!) {
  webhookDelivery(id: $id) {
    ...WebhookDeliveryFields
  }
}
    fragment WebhookDeliveryFields on WebhookDelivery {
  id
  messageId
  eventType
  subjectKey
  state
  attemptCount
  lastStatus
  lastError
  nextAttemptAt
  finishedAt
  createdAt
  redeliveryOf
  attempts {
    id
    attemptedAt
    status
    latencyMs
    error
    responseExcerpt
  }
}`) as unknown as TypedDocumentString<WebhookDeliveryQuery, WebhookDeliveryQueryVariables>;
export const CreateWebhookEndpointDocument = new TypedDocumentString(`
    mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    secret
    endpoint {
      ...WebhookEndpointFields
    }
  }
}
    fragment WebhookEndpointFields on WebhookEndpoint {
  id
  url
  description
  eventTypes
  enabled
  status
  disabledAt
  disabledReason
  failingSince
  lastSuccessAt
  lastFailureAt
  pendingDeliveries
  previousSecretUntil
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<CreateWebhookEndpointMutation, CreateWebhookEndpointMutationVariables>;
export const UpdateWebhookEndpointDocument = new TypedDocumentString(`
    mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(id: $id, input: $input) {
    ...WebhookEndpointFields
  }
}
    fragment WebhookEndpointFields on WebhookEndpoint {
  id
  url
  description
  eventTypes
  enabled
  status
  disabledAt
  disabledReason
  failingSince
  lastSuccessAt
  lastFailureAt
  pendingDeliveries
  previousSecretUntil
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<UpdateWebhookEndpointMutation, UpdateWebhookEndpointMutationVariables>;
export const DeleteWebhookEndpointDocument = new TypedDocumentString(`
    mutation DeleteWebhookEndpoint($id: ID!) {
  deleteWebhookEndpoint(id: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<
  DeleteWebhookEndpointMutation,
  DeleteWebhookEndpointMutationVariables
>;
export const RotateWebhookSecretDocument = new TypedDocumentString(`
    mutation RotateWebhookSecret($id: ID!, $overlapHours: Float!) {
  rotateWebhookSecret(id: $id, overlapHours: $overlapHours) {
    secret
    endpoint {
      ...WebhookEndpointFields
    }
  }
}
    fragment WebhookEndpointFields on WebhookEndpoint {
  id
  url
  description
  eventTypes
  enabled
  status
  disabledAt
  disabledReason
  failingSince
  lastSuccessAt
  lastFailureAt
  pendingDeliveries
  previousSecretUntil
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<RotateWebhookSecretMutation, RotateWebhookSecretMutationVariables>;
export const SendTestWebhookDocument = new TypedDocumentString(`
    mutation SendTestWebhook($endpointId: ID!) {
  sendTestWebhook(endpointId: $endpointId) {
    id
  }
}
    `) as unknown as TypedDocumentString<SendTestWebhookMutation, SendTestWebhookMutationVariables>;
export const RedeliverWebhookDocument = new TypedDocumentString(`
    mutation RedeliverWebhook($deliveryId: ID!) {
  redeliverWebhook(deliveryId: $deliveryId) {
    id
  }
}
    `) as unknown as TypedDocumentString<RedeliverWebhookMutation, RedeliverWebhookMutationVariables>;
