// Example operations the GraphQL IDE opens as its first tabs, one per audience. Plain strings with
// no imports: test/graphql/ide-examples.test.ts validates each against the built schema, so a
// schema change that breaks one fails there rather than in front of a reader.

export interface IdeExample {
  /** The tab's title and the heading in the Examples panel. */
  title: string;
  /** Who asks this, in a few words. */
  audience: string;
  query: string;
  /** The variables, as the variables editor shows them (JSON). */
  variables: (now: Date) => Record<string, unknown>;
}

export const IDE_EXAMPLES: readonly IdeExample[] = [
  {
    title: 'Who is this user, and may they do X?',
    audience: 'A frontend checking the signed-in user',
    query: `# A CheckProof frontend (a JWT or an API key with DIRECTORY_READ): who is calling, who the
# user is, their roles, and which of the groups that grant a feature they are in, directly or
# through nested groups. Put a user's id and group ids in the variables below.
query WhoIsThisUser($userId: ID!, $featureGroupIds: [ID!]!) {
  viewer {
    kind
    tenantId
    scopes
  }
  user(id: $userId) {
    id
    userName
    displayName
    active
    title
    department
    roles {
      value
      display
      primary
    }
  }
  checkMembership(userId: $userId, groupIds: $featureGroupIds)
}
`,
    variables: () => ({
      userId: 'a user id (the Users page shows it)',
      featureGroupIds: ['a group id'],
    }),
  },
  {
    title: 'Who is in this group, and why?',
    audience: 'An analyst looking at nested groups',
    query: `# An analyst (an API key with DIRECTORY_READ): how many people a group holds directly and
# through nested groups, who they are, and the chain of groups that puts one user in it.
query WhoIsInThisGroup($groupId: ID!, $userId: ID!) {
  group(id: $groupId) {
    displayName
    directMembers: memberCount(membership: DIRECT)
    usersThroughNestedGroups: memberCount(membership: INHERITED, kind: USER)
    allUsers: memberCount(membership: ALL, kind: USER)
    members(membership: ALL, kind: USER, first: 50) {
      totalCount
      edges {
        node {
          ... on User {
            id
            userName
            displayName
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    parents(membership: ALL) {
      edges {
        node {
          displayName
        }
      }
    }
  }
  # Why is this user in the group? The shortest chain from a group they are directly in.
  membershipPath(userId: $userId, groupId: $groupId) {
    id
    displayName
  }
}
`,
    variables: () => ({ groupId: 'a group id (the Groups page shows it)', userId: 'a user id' }),
  },
  {
    title: 'What did Entra do in the last hour?',
    audience: 'An administrator reading the provisioning log',
    query: `# A tenant administrator: Entra's SCIM requests of the last hour (the provisioning log), newest
# first, with the health figures Entra's quarantine rule is judged on. $since is an hour ago.
query WhatDidEntraDo($since: DateTimeISO!) {
  provisioningHealth {
    requestsLastHour
    failuresLastHour
    quarantineRisk
    cycleInProgress
    lastRequestAt
  }
  provisioningActivity(filter: { from: $since }, first: 100) {
    totalCount
    edges {
      node {
        createdAt
        method
        path
        operation
        resourceType
        resourceName
        status
        durationMs
        errorDetail
        warnings
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`,
    variables: (now) => ({ since: new Date(now.getTime() - 60 * 60 * 1000).toISOString() }),
  },
];
