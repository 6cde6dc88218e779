import type { Source } from '../users/user.types';

export type MemberType = 'User' | 'Group';

export interface GroupRecord {
  id: string;
  tenantId: string;
  displayName: string;
  externalId: string | null;
  source: Source;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface MemberRecord {
  /** The member's id (a user id or a group id). */
  value: string;
  type: MemberType;
  /** Display text: the member's current displayName (userName for users without one). */
  display: string | null;
}

/** A member reference as a client sends it; the type is resolved by the domain. */
export interface MemberRef {
  value: string;
  display?: string | null;
}

export interface GroupInput {
  displayName: string;
  externalId?: string | null;
  members?: MemberRef[];
}

/** A change to a group, as PATCH and the GraphQL mutations express it. Applied in order, as deltas. */
export type GroupChange =
  | { kind: 'setAttributes'; displayName?: string; externalId?: string | null }
  | { kind: 'addMembers'; members: MemberRef[] }
  | { kind: 'removeMembers'; ids: string[] }
  | { kind: 'removeAllMembers' }
  | { kind: 'replaceMembers'; members: MemberRef[] };
