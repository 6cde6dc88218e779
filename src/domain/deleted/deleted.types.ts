/** What a deleted user or group's archive row says about the deletion. */
export interface Deletion {
  deletedAt: Date;
  /** The actor, as audit events name it (e.g. `scim:<credential id>`). */
  deletedBy: string;
  requestId: string | null;
}

/** A deleted user still restorable: what the delete archived, summarised. */
export interface DeletedUserRecord extends Deletion {
  id: string;
  userName: string;
  displayName: string | null;
  externalId: string | null;
  active: boolean;
  /** Values of the roles it held. */
  roles: string[];
  /** Direct groups it was a member of (some may since have been deleted). */
  groupCount: number;
}

/** A deleted group still restorable. */
export interface DeletedGroupRecord extends Deletion {
  id: string;
  displayName: string;
  externalId: string | null;
  /** Its direct members when deleted. */
  memberCount: number;
  /** Groups it was a direct member of. */
  parentCount: number;
}

/** The outcome of restoreUsers(since). */
export interface RestoreUsersResult {
  /** Deleted users put back. */
  restored: number;
  /** Disabled users made active again. */
  reenabled: number;
  /** Deleted users that could not come back, and why. */
  conflicts: RestoreConflict[];
}

export interface RestoreConflict {
  id: string;
  name: string;
  message: string;
  /** The live resource now holding the name. */
  conflictingId: string | null;
}
