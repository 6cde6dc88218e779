import { createTestDatabase, type TestDatabase } from '../support/db';
import { buildGroup, buildTenant, buildUser, uniq } from '../support/factories';
import {
  changesHeldBack,
  decodeChangeCursor,
  feedHead,
  listChanges,
} from '../../src/domain/changes/change.queries';
import { createChangeHub } from '../../src/domain/changes/change.hub';
import { followChanges } from '../../src/domain/changes/change.follow';
import { pruneChanges } from '../../src/domain/changes/change.retention';
import type { ChangeRecord, FeedPosition } from '../../src/domain/changes/change.types';
import { changeGroup, deleteGroup } from '../../src/domain/groups/group.service';
import { deleteUser, patchUserAttributes, setUserActive } from '../../src/domain/users/user.service';
import { assignRole, unassignRole } from '../../src/domain/roles/role.service';
import { inTransaction, query, sql } from '../../src/domain/sql';
import type { DirectoryContext } from '../../src/domain/context';
import type { UserInput } from '../../src/domain/users/user.types';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** Every readable event after `after`, paging through the feed. */
async function readAll(ctx: DirectoryContext, after?: FeedPosition): Promise<ChangeRecord[]> {
  const out: ChangeRecord[] = [];
  let cursor = after;
  for (;;) {
    const page = await listChanges(ctx, { first: 2, ...(cursor ? { after: cursor } : {}) });
    out.push(...page.items);
    if (page.items.length === 0) return out;
    cursor = decodeChangeCursor(page.cursors[page.cursors.length - 1]!);
  }
}

/** Reads until `want` events have arrived (other databases' transactions may hold the horizon back briefly). */
async function readUntil(ctx: DirectoryContext, after: FeedPosition, want: number): Promise<ChangeRecord[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const got = await readAll(ctx, after);
    if (got.length >= want || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The position after this tenant's last event, once none of its events is held back. feedHead is
 * the horizon, and another database's open transaction (the horizon is the cluster's) can hold it
 * behind the tenant's own setup events, which would then count as "after" it.
 */
async function settledHead(ctx: DirectoryContext): Promise<FeedPosition> {
  const deadline = Date.now() + 5000;
  while ((await changesHeldBack(ctx, { txid: '0', id: '0' })) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const [last] = await query<{ txid: string; id: string }>(
    ctx.em,
    sql`select txid::text as txid, id::text as id from audit_event where tenant_id = ${ctx.tenantId}
     order by txid desc, id desc limit 1`,
  );
  return last ?? feedHead(ctx);
}

describe('change feed', () => {
  it('records each change with its type, actor, request id, subject and the subject’s state', async () => {
    const { ctx } = await buildTenant(db);
    const start = await settledHead(ctx);
    const user = await buildUser(ctx, {
      displayName: 'Ada',
      name: { givenName: 'Ada' } as UserInput['name'],
    });
    await patchUserAttributes(ctx, user.id, { displayName: 'Ada L.' });
    await setUserActive(ctx, user.id, false);
    await setUserActive(ctx, user.id, true);
    await assignRole(ctx, user.id, { value: 'approver' });
    await unassignRole(ctx, user.id, 'approver');
    await deleteUser(ctx, user.id);
    const events = await readUntil(ctx, start, 9);
    expect(events.map((e) => e.type)).toEqual([
      'user.created',
      'user.updated',
      'user.disabled',
      'user.enabled',
      'user.updated',
      'role.assigned',
      'user.updated',
      'role.unassigned',
      'user.deleted',
    ]);
    const [created, renamed, disabled] = events;
    expect(created!.subject).toEqual({ type: 'User', id: user.id });
    expect(created!.actor).toEqual({ kind: 'scim', id: 'test', name: null });
    expect(created!.requestId).toBe(ctx.requestId);
    expect(created!.data).toMatchObject({
      id: user.id,
      userName: user.userName,
      displayName: 'Ada',
      active: true,
      name: { givenName: 'Ada' },
      roles: [],
      version: 1,
    });
    expect(renamed!.changes).toEqual({ displayName: { old: 'Ada', new: 'Ada L.' } });
    expect(renamed!.data).toMatchObject({ displayName: 'Ada L.', version: 2 });
    expect(disabled!.changes).toEqual({ active: { old: true, new: false } });
    expect(disabled!.data).toMatchObject({ active: false });
    expect(events[5]!.data).toMatchObject({
      role: { value: 'approver' },
      user: { id: user.id, roles: [{ value: 'approver' }] },
    });
    // A deletion carries the last state.
    expect(events[8]!.data).toMatchObject({ id: user.id, displayName: 'Ada L.', active: true });
  });

  it('writes one member event per member, naming the group and the member', async () => {
    const { ctx } = await buildTenant(db);
    const users = await Promise.all([1, 2, 3].map(() => buildUser(ctx)));
    const group = await buildGroup(ctx, { displayName: 'Finance' });
    const start = await settledHead(ctx);
    await changeGroup(ctx, group.id, [{ kind: 'addMembers', members: users.map((u) => ({ value: u.id })) }]);
    await changeGroup(ctx, group.id, [{ kind: 'removeMembers', ids: [users[0]!.id] }]);
    await changeGroup(ctx, group.id, [{ kind: 'setAttributes', displayName: 'Finance-Approvers' }]);
    await deleteUser(ctx, users[1]!.id);
    await deleteGroup(ctx, group.id);
    const events = await readUntil(ctx, start, 10);
    expect(events.map((e) => e.type)).toEqual([
      'group.updated',
      'group.member_added',
      'group.member_added',
      'group.member_added',
      'group.updated',
      'group.member_removed',
      'group.updated',
      'group.member_removed',
      'user.deleted',
      'group.deleted',
    ]);
    const added = events.filter((e) => e.type === 'group.member_added');
    expect(added.map((e) => (e.data!.member as { id: string }).id).sort()).toEqual(
      users.map((u) => u.id).sort(),
    );
    expect(added[0]!.subject).toEqual({ type: 'Group', id: group.id });
    expect(added[0]!.data).toMatchObject({
      group: { id: group.id, displayName: 'Finance' },
      member: {
        type: 'User',
        display: users.find((u) => u.id === (added[0]!.data!.member as { id: string }).id)!.userName,
      },
    });
    expect(events[6]!.changes).toEqual({ displayName: { old: 'Finance', new: 'Finance-Approvers' } });
    // Deleting a member ends its memberships: an event for each, before the user's own.
    expect(events[7]!.data).toMatchObject({
      group: { displayName: 'Finance-Approvers' },
      member: { id: users[1]!.id },
    });
    expect(events[9]!.data).toMatchObject({ id: group.id, displayName: 'Finance-Approvers' });
  });

  it('filters by type and subject, and keeps tenants apart', async () => {
    const a = await buildTenant(db);
    const b = await buildTenant(db);
    const start = await feedHead(a.ctx);
    const ua = await buildUser(a.ctx);
    await buildUser(a.ctx);
    await buildUser(b.ctx);
    await setUserActive(a.ctx, ua.id, false);
    await readUntil(a.ctx, start, 3);
    const disabled = await listChanges(a.ctx, { first: 10, after: start, types: ['user.disabled'] });
    expect(disabled.items.map((e) => e.subject.id)).toEqual([ua.id]);
    const bySubject = await listChanges(a.ctx, {
      first: 10,
      after: start,
      subjectId: ua.id,
      withTotal: true,
    });
    expect(bySubject.items.map((e) => e.type)).toEqual(['user.created', 'user.disabled']);
    expect(bySubject.total).toBe(2);
    const inB = await listChanges(b.ctx, { first: 10, subjectId: ua.id });
    expect(inB.items).toEqual([]);
  });

  it('never lets a reader pass an event whose transaction commits after a later one', async () => {
    const { ctx } = await buildTenant(db);
    const start = await settledHead(ctx);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let written!: () => void;
    const t1Wrote = new Promise<void>((r) => (written = r));
    // T1 begins first and writes an event (so it holds the smaller transaction id), then waits.
    const t1 = inTransaction({ ...ctx, em: db.em() }, async (tx) => {
      await buildUser(tx, { userName: `${uniq('t1')}@example.com` });
      written();
      await gate;
    });
    await t1Wrote;
    // T2 begins later, writes and commits first.
    const t2User = await buildUser({ ...ctx, em: db.em() }, { userName: `${uniq('t2')}@example.com` });
    const t2Committed = await query<{ n: number }>(
      db.em(),
      sql`select count(*)::int as n from audit_event where resource_id = ${t2User.id}`,
    );
    expect(t2Committed[0]!.n).toBe(1);
    // A reader polling now must not be handed T2's event: its cursor would pass T1's.
    for (let i = 0; i < 5; i++) {
      expect(await readAll(ctx, start)).toEqual([]);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await changesHeldBack(ctx, start)).toBe(true);
    release();
    await t1;
    // Once T1 has committed, paging on from the same cursor gives both, T1's first.
    const events = await readUntil(ctx, start, 2);
    expect(events.map((e) => (e.data as { userName: string }).userName.slice(0, 2))).toEqual(['t1', 't2']);
    // And a reader that had paged up to T2's event in a naive id order would have skipped T1's:
    const ids = events.map((e) => Number(e.id));
    expect(ids[0]).toBeLessThan(ids[1]!);
  });

  it('follows the feed from a cursor, waking on notices, and stops at once on return()', async () => {
    const { ctx } = await buildTenant(db);
    const hub = createChangeHub();
    const start = await settledHead(ctx);
    const first = await buildUser(ctx);
    const follower = followChanges({ ...ctx, em: db.em() }, hub, { after: start, pollMs: 60_000 });
    const one = await follower.next();
    expect(one.value?.subject.id).toBe(first.id);
    const next = follower.next();
    const second = await buildUser(ctx);
    hub.wake(ctx.tenantId);
    expect((await next).value?.subject.id).toBe(second.id);
    const waiting = follower.next();
    await new Promise((r) => setTimeout(r, 50));
    expect(hub.waiting()).toBe(1);
    await follower.return!();
    expect((await waiting).done).toBe(true);
    expect(hub.waiting()).toBe(0);
  });

  it('prunes events older than the retention in batches', async () => {
    const { ctx } = await buildTenant(db);
    await Promise.all([1, 2, 3].map(() => buildUser(ctx)));
    expect(await pruneChanges(db.em(), new Date(Date.now() - 60_000), 2)).toBe(0);
    const deleted = await pruneChanges(db.em(), new Date(Date.now() + 60_000), 2);
    expect(deleted).toBeGreaterThanOrEqual(4);
    expect(await listChanges(ctx, { first: 10 })).toMatchObject({ items: [] });
  });
});
