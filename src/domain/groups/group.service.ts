import { randomUUID } from 'node:crypto';
import { auditInsert } from '../audit/audit';
import type { DirectoryContext } from '../context';
import { archiveGroups } from '../deleted/deleted.sql';
import { DomainError } from '../errors';
import {
  addMembers,
  addUsersCtes,
  removeAllMembers,
  removeMembers,
  replaceMembers,
  resolveMembers,
  warnUnknown,
  type Resolved,
} from '../memberships/membership.service';
import { actingSql } from '../memberships/membership.history';
import { inTransaction, isUuid, json, PREPARE, query, sql } from '../sql';
import { memberRemovedOnDelete } from '../memberships/membership.events';
import { groupStateJson } from './group.state';
import type { Source } from '../users/user.types';
import { rowToGroup, type GroupRow } from './group.row';
import type { GroupChange, GroupInput, GroupRecord } from './group.types';

export interface GroupWriteOptions {
  ifMatch?: number;
}

const COMMA = sql`, `;
const G_ID = sql`g.id`;
const FROM_G = sql`from g`;
const D = sql`d`;
const D_ID = sql`d.id`;
/** After the membership events of a deletion (it reads them): memberships end, then the subject goes. */
const FROM_D_AFTER_M = sql`from d cross join (select count(*) from m) as after_m`;
const G_STATE = groupStateJson('g');
const D_STATE = groupStateJson('d');

const notFound = (id: string) => new DomainError('GROUP_NOT_FOUND', `Group ${id} not found.`, { id });

function checkDisplayName(displayName: unknown): string {
  if (typeof displayName !== 'string' || displayName.trim() === '') {
    throw new DomainError('INVALID_INPUT', 'displayName is required and must be a non-empty string.', {
      field: 'displayName',
    });
  }
  return displayName;
}

/** Creates a group (and its initial members, if any) with its audit event. */
export async function createGroup(
  ctx: DirectoryContext,
  input: GroupInput,
  source: Source,
): Promise<GroupRecord> {
  const displayName = checkDisplayName(input.displayName);
  const id = randomUUID();
  const write = async (tx: DirectoryContext) => {
    const audit = auditInsert(
      tx,
      {
        tenantId: tx.tenantId,
        action: 'group.created',
        resourceType: 'Group',
        resourceId: G_ID,
        changedFields: ['*'],
        data: G_STATE,
      },
      FROM_G,
    );
    const rows = await query<GroupRow>(
      tx.em,
      sql`with g as (insert into "group" (id, tenant_id, display_name, external_id, source) values (${id}, ${tx.tenantId}, ${displayName}, ${input.externalId ?? null}, ${source}) returning *),
       a as (${audit}) select * from g`,
      PREPARE,
    );
    if (input.members && input.members.length > 0) await addMembers(tx, id, input.members);
    return rowToGroup(rows[0]!);
  };
  if (!input.members || input.members.length === 0) return write(ctx);
  return inTransaction(ctx, write);
}

/** A group of the context's tenant (without members), or null. */
export async function findGroup(ctx: DirectoryContext, id: string): Promise<GroupRecord | null> {
  if (!isUuid(id)) return null;
  const rows = await query<GroupRow>(
    ctx.em,
    sql`select * from "group" where tenant_id = ${ctx.tenantId} and id = ${id}`,
    PREPARE,
  );
  return rows[0] ? rowToGroup(rows[0]) : null;
}

/** A group of the context's tenant, or GROUP_NOT_FOUND. */
export async function getGroup(ctx: DirectoryContext, id: string): Promise<GroupRecord> {
  const group = await findGroup(ctx, id);
  if (!group) throw notFound(id);
  return group;
}

/**
 * Applies changes to a group in one transaction, as deltas: the group row is locked and its
 * version bumped, then each change runs as a set operation. The member list is never read, so the
 * cost does not grow with the group's size.
 */
export async function changeGroup(
  ctx: DirectoryContext,
  id: string,
  changes: readonly GroupChange[],
  opts: GroupWriteOptions = {},
): Promise<GroupRecord> {
  if (!isUuid(id)) throw notFound(id);
  const users = await usersToAdd(ctx, changes, opts);
  if (users) return addUsersAtOnce(ctx, id, users);
  return inTransaction(ctx, async (tx) => {
    const em = tx.em;
    const attrs = mergeAttributes(changes);
    const sets = [sql`version = version + 1`, sql`updated_at = now()`];
    if (attrs.displayName !== undefined)
      sets.push(sql`display_name = ${checkDisplayName(attrs.displayName)}`);
    if (attrs.externalId !== undefined) sets.push(sql`external_id = ${attrs.externalId}`);
    // Everything the request changes is known up front, so the audit event rides on the UPDATE
    // that locks the group and bumps its version: one round trip fewer per PATCH.
    const changed = new Set<string>(Object.keys(attrs));
    if (changes.some((c) => c.kind !== 'setAttributes')) changed.add('members');
    const diff = await attributeChanges(tx, id, attrs);
    const audit = auditInsert(
      tx,
      {
        tenantId: tx.tenantId,
        action: 'group.updated',
        resourceType: 'Group',
        resourceId: G_ID,
        changedFields: [...changed],
        data: G_STATE,
        ...(diff ? { changes: sql`${json(diff)}::jsonb` } : {}),
      },
      FROM_G,
    );
    const rows = await query<GroupRow>(
      em,
      sql`with g as (update "group" set ${sql.join(sets, COMMA)} where tenant_id = ${tx.tenantId} and id = ${id} returning *),
       a as (${audit}) select * from g`,
      PREPARE,
    );
    if (!rows[0]) throw notFound(id);
    const updated = rowToGroup(rows[0]);
    if (opts.ifMatch !== undefined && opts.ifMatch !== updated.version - 1) {
      throw new DomainError('VERSION_MISMATCH', `Group ${id} has changed (version ${updated.version - 1}).`, {
        id,
      });
    }
    for (const change of changes) {
      switch (change.kind) {
        case 'setAttributes':
          break;
        case 'addMembers':
          await addMembers(tx, id, change.members);
          break;
        case 'removeMembers':
          await removeMembers(tx, id, change.ids);
          break;
        case 'removeAllMembers':
          await removeAllMembers(tx, id);
          break;
        case 'replaceMembers':
          await replaceMembers(tx, id, change.members);
          break;
      }
    }
    return updated;
  });
}

/**
 * The users to add when the change is Entra's membership PATCH — one Add whose members are all
 * users, with no If-Match — resolved before the group is locked; undefined for any other change
 * (it takes the transaction).
 */
async function usersToAdd(
  ctx: DirectoryContext,
  changes: readonly GroupChange[],
  opts: GroupWriteOptions,
): Promise<Resolved[] | undefined> {
  const [change] = changes;
  if (changes.length !== 1 || change?.kind !== 'addMembers') return undefined;
  if (opts.ifMatch !== undefined || ctx.em.isInTransaction()) return undefined;
  const { found, unknown } = await resolveMembers(ctx, change.members);
  // A nested group needs the cycle check, which serialises on the tenant's graph lock.
  if (found.some((m) => m.type !== 'User')) return undefined;
  warnUnknown(ctx, unknown);
  return found;
}

/**
 * Adds users as one statement: lock and version the group, its group.updated event, the
 * membership rows and one event per member. Entra sends these 16 at a time to one group, and the
 * group's row lock serialises them: as one statement the lock is held for that statement and its
 * commit only, instead of across BEGIN, three round trips and COMMIT.
 */
async function addUsersAtOnce(ctx: DirectoryContext, id: string, users: Resolved[]): Promise<GroupRecord> {
  const audit = auditInsert(
    ctx,
    {
      tenantId: ctx.tenantId,
      action: 'group.updated',
      resourceType: 'Group',
      resourceId: G_ID,
      changedFields: ['members'],
      data: G_STATE,
    },
    FROM_G,
  );
  const rows = await query<GroupRow>(
    ctx.em,
    sql`with g as (update "group" set version = version + 1, updated_at = now() where tenant_id = ${ctx.tenantId} and id = ${id} returning *),
     a as (${audit} returning 1),
     ${addUsersCtes(ctx, users, sql`a`)}
     select g.* from g cross join (select count(*) from me) as after_members`,
    PREPARE,
  );
  if (!rows[0]) throw notFound(id);
  return rowToGroup(rows[0]);
}

/**
 * The group attributes a change sets, old → new, for the change feed. Only a rename or a new
 * externalId reads the current values (under the row lock the UPDATE would take anyway); a
 * members-only PATCH, Entra's common case, costs no extra round trip.
 */
async function attributeChanges(
  tx: DirectoryContext,
  id: string,
  attrs: { displayName?: string; externalId?: string | null },
): Promise<Record<string, { old: unknown; new: unknown }> | null> {
  if (attrs.displayName === undefined && attrs.externalId === undefined) return null;
  const [row] = await query<{ display_name: string; external_id: string | null }>(
    tx.em,
    sql`select display_name, external_id from "group" where tenant_id = ${tx.tenantId} and id = ${id} for update`,
    PREPARE,
  );
  if (!row) return null;
  const out: Record<string, { old: unknown; new: unknown }> = {};
  if (attrs.displayName !== undefined && attrs.displayName !== row.display_name)
    out.displayName = { old: row.display_name, new: attrs.displayName };
  if (attrs.externalId !== undefined && attrs.externalId !== row.external_id)
    out.externalId = { old: row.external_id, new: attrs.externalId };
  return out;
}

function mergeAttributes(changes: readonly GroupChange[]): {
  displayName?: string;
  externalId?: string | null;
} {
  const out: { displayName?: string; externalId?: string | null } = {};
  for (const c of changes) {
    if (c.kind !== 'setAttributes') continue;
    if (c.displayName !== undefined) out.displayName = c.displayName;
    if (c.externalId !== undefined) out.externalId = c.externalId;
  }
  return out;
}

/** Replaces a group (SCIM PUT): attributes and the member set. */
export function replaceGroup(
  ctx: DirectoryContext,
  id: string,
  input: GroupInput,
  opts: GroupWriteOptions = {},
) {
  return changeGroup(
    ctx,
    id,
    [
      { kind: 'setAttributes', displayName: input.displayName, externalId: input.externalId ?? null },
      { kind: 'replaceMembers', members: input.members ?? [] },
    ],
    opts,
  );
}

/**
 * Deletes a group; memberships in it and of it go with it (foreign keys). The same statement
 * archives the group and those memberships for restoreGroup (ADR 0012).
 */
export async function deleteGroup(
  ctx: DirectoryContext,
  id: string,
  opts: GroupWriteOptions = {},
): Promise<void> {
  if (!isUuid(id)) throw notFound(id);
  const audit = auditInsert(
    ctx,
    {
      tenantId: ctx.tenantId,
      action: 'group.deleted',
      resourceType: 'Group',
      resourceId: D_ID,
      changedFields: [],
      data: D_STATE,
    },
    FROM_D_AFTER_M,
  );
  // Its memberships in other groups go with it (foreign keys): each is a group.member_removed
  // event. Its own members need none: group.deleted says the whole group is gone.
  const removed = memberRemovedOnDelete(ctx, 'Group', sql`d.display_name`);
  const versionSql = opts.ifMatch === undefined ? sql.empty : sql` and version = ${opts.ifMatch}`;
  const rows = await query(
    ctx.em,
    sql`with d as (delete from "group" where tenant_id = ${ctx.tenantId} and id = ${id}${versionSql} and ${actingSql(ctx)} returning *),
     k as (${archiveGroups(ctx, D)}), m as (${removed} returning 1), a as (${audit}) select id from d`,
    PREPARE,
  );
  if (rows.length === 0) {
    if (opts.ifMatch !== undefined && (await findGroup(ctx, id))) {
      throw new DomainError('VERSION_MISMATCH', `Group ${id} has changed.`, { id });
    }
    throw notFound(id);
  }
}
