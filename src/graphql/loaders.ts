import DataLoader from 'dataloader';
import type { DirectoryContext } from '../domain/context';
import { findGroupsByIds } from '../domain/groups/group.batch';
import type { GroupRecord } from '../domain/groups/group.types';
import {
  memberCounts,
  type MemberKindFilter,
  type MembershipDepth,
} from '../domain/memberships/membership.graph';
import { groupsByIdsAt } from '../domain/memberships/membership.history';
import { groupsContaining, membersOf, type MemberRef } from '../domain/memberships/membership.pages';
import { emptyPage, type Page } from '../domain/paging';
import { findUsersByIds } from '../domain/users/user.batch';
import type { UserRecord } from '../domain/users/user.types';
import { tenantCtx, type GraphQLContext } from './context';

export interface PageArgs {
  first: number;
  after: string | undefined;
  withTotal: boolean;
}

/**
 * Per-request batching: every field that needs related rows (a user's manager or groups, a
 * group's members or member count) asks a loader, and each loader answers a whole page of parents
 * with one statement. Loaders for paged relations are keyed by their arguments.
 */
export interface Loaders {
  user: DataLoader<string, UserRecord | null>;
  group: DataLoader<string, GroupRecord | null>;
  /** `asOf`: at that past instant (membership history); otherwise now. */
  groupsOf(depth: MembershipDepth, page: PageArgs, asOf?: Date): DataLoader<string, Page<GroupRecord>>;
  membersOf(
    depth: MembershipDepth,
    kind: MemberKindFilter,
    page: PageArgs,
    asOf?: Date,
  ): DataLoader<string, Page<MemberRef>>;
  memberCount(depth: MembershipDepth, kind: MemberKindFilter, asOf?: Date): DataLoader<string, number>;
  /** Groups live now or, deleted since, as they last were (for answers at a past instant). */
  groupAt(asOf: Date): DataLoader<string, GroupRecord | null>;
}

const lower = (id: string) => id.toLowerCase();

function byId<T extends { id: string }>(ids: readonly string[], found: T[]): (T | null)[] {
  const map = new Map(found.map((r) => [r.id.toLowerCase(), r]));
  return ids.map((id) => map.get(id.toLowerCase()) ?? null);
}

function createLoaders(ctx: DirectoryContext): Loaders {
  const user = new DataLoader<string, UserRecord | null>(
    async (ids) => byId(ids, await findUsersByIds(ctx, ids)),
    { cacheKeyFn: lower },
  );
  const group = new DataLoader<string, GroupRecord | null>(
    async (ids) => byId(ids, await findGroupsByIds(ctx, ids)),
    { cacheKeyFn: lower },
  );
  const pageKey = (p: PageArgs) => `${p.first}|${p.after ?? ''}|${p.withTotal}`;
  const groupsOfFamily = new Map<string, DataLoader<string, Page<GroupRecord>>>();
  const membersOfFamily = new Map<string, DataLoader<string, Page<MemberRef>>>();
  const countFamily = new Map<string, DataLoader<string, number>>();
  const groupAtFamily = new Map<string, DataLoader<string, GroupRecord | null>>();
  const at = (asOf: Date | undefined) => asOf?.toISOString() ?? '';
  const get = <V>(
    map: Map<string, DataLoader<string, V>>,
    key: string,
    make: () => DataLoader<string, V>,
  ) => {
    let loader = map.get(key);
    if (!loader) map.set(key, (loader = make()));
    return loader;
  };
  const counts = (depth: MembershipDepth, kind: MemberKindFilter, asOf?: Date) =>
    get(
      countFamily,
      `${depth}|${kind}|${at(asOf)}`,
      () =>
        new DataLoader<string, number>(
          async (ids) => {
            const found = await memberCounts(ctx, ids, depth, kind, asOf);
            return ids.map((id) => found.get(id) ?? 0);
          },
          { cacheKeyFn: lower },
        ),
    );
  return {
    user,
    group,
    groupsOf: (depth, page, asOf) =>
      get(
        groupsOfFamily,
        `${depth}|${pageKey(page)}|${at(asOf)}`,
        () =>
          new DataLoader(async (ids) => {
            const pages = await groupsContaining(ctx, ids, depth, page, asOf);
            // At a past instant a group may be one deleted since: not the live group loader's to know.
            if (!asOf) for (const p of pages.values()) for (const g of p.items) group.prime(g.id, g);
            return ids.map((id) => pages.get(id) ?? emptyPage(page.withTotal));
          }),
      ),
    membersOf: (depth, kind, page, asOf) =>
      get(
        membersOfFamily,
        `${depth}|${kind}|${pageKey(page)}|${at(asOf)}`,
        () =>
          new DataLoader(async (ids) => {
            // Totals come from the memberCount loader, shared with Group.memberCount in the same request.
            const [pages, totals] = await Promise.all([
              membersOf(ctx, ids, depth, kind, { ...page, withTotal: false }, asOf),
              page.withTotal ? counts(depth, kind, asOf).loadMany(ids) : undefined,
            ]);
            return ids.map((id, i) => {
              const p = pages.get(id) ?? emptyPage<MemberRef>(false);
              const total = totals?.[i];
              if (total instanceof Error) throw total;
              return { ...p, total: total ?? null };
            });
          }),
      ),
    memberCount: counts,
    groupAt: (asOf) =>
      get(
        groupAtFamily,
        at(asOf),
        () =>
          new DataLoader<string, GroupRecord | null>(
            async (ids) => byId(ids, await groupsByIdsAt(ctx, ids, asOf)),
            { cacheKeyFn: lower },
          ),
      ),
  };
}

/** The request's loaders (created on first use, in the caller's tenant). */
export function loadersOf(ctx: GraphQLContext): Loaders {
  let loaders = ctx.loaders.get('directory') as Loaders | undefined;
  if (!loaders) {
    loaders = createLoaders(tenantCtx(ctx));
    ctx.loaders.set('directory', loaders);
  }
  return loaders;
}
