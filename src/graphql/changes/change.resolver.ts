import { Arg, Authorized, Ctx, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { Info } from 'type-graphql';
import { decodeChangeCursor, listChanges } from '../../domain/changes/change.queries';
import { followChanges } from '../../domain/changes/change.follow';
import type { ChangeRecord } from '../../domain/changes/change.types';
import { assertAuthorized } from '../auth-checker';
import { badInput, pageArgs, toConnection, type Connection } from '../common/connection';
import { tenantCtx, type GraphQLContext } from '../context';
import { Change, ChangeConnection, toChange } from './change.type';

const MAX_TYPES = 50;

function typesArg(types: string[] | null | undefined): string[] | undefined {
  if (!types || types.length === 0) return undefined;
  if (types.length > MAX_TYPES) throw badInput(`types takes at most ${MAX_TYPES} event types.`, 'types');
  return types;
}

interface SubscribeArgs {
  types?: string[] | null;
  after?: string | null;
}

@Resolver(() => Change)
export class ChangeResolver {
  @Authorized('DIRECTORY_READ')
  @Query(() => ChangeConnection, {
    description:
      "Your tenant's change feed, oldest first, from after (a cursor) on. Page on with after: " +
      'pageInfo.endCursor; an empty page means you are at the head (ask again later, or subscribe to ' +
      'directoryChanges with the same cursor). No event is ever skipped, even when transactions ' +
      'commit out of order.',
  })
  async changes(
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size: default 50, at most 500.' })
    first?: number | null,
    @Arg('types', () => [String], { nullable: true, description: 'Only these event types.' })
    types?: string[] | null,
    @Arg('subjectId', () => ID, { nullable: true, description: 'Only events about this subject.' })
    subjectId?: string | null,
  ): Promise<Connection<Change>> {
    const page = pageArgs(info, first, after);
    const wanted = typesArg(types);
    const result = await listChanges(tenantCtx(ctx), {
      first: page.first,
      withTotal: page.withTotal,
      ...(page.after ? { after: decodeChangeCursor(page.after) } : {}),
      ...(wanted ? { types: wanted } : {}),
      ...(subjectId ? { subjectId } : {}),
    });
    return toConnection(result, after, toChange);
  }

  @Subscription(() => Change, {
    description:
      "Your tenant's changes as they commit, over WebSocket (graphql-ws protocol at /graphql). With " +
      'after (the cursor of the last event you handled) it first delivers everything since, so a ' +
      'client that reconnects misses nothing; without it, it starts at the head.',
    subscribe: ({ args, context }) => {
      const ctx = context as GraphQLContext;
      assertAuthorized(ctx, ['DIRECTORY_READ']);
      if (!ctx.changeHub) throw badInput('Subscriptions are served over WebSocket at /graphql.');
      const { types, after } = args as SubscribeArgs;
      const wanted = typesArg(types);
      return followChanges(tenantCtx(ctx), ctx.changeHub, {
        ...(after ? { after: decodeChangeCursor(after) } : {}),
        ...(wanted ? { types: wanted } : {}),
      });
    },
  })
  directoryChanges(
    @Root() change: ChangeRecord,
    @Arg('types', () => [String], { nullable: true, description: 'Only these event types.' })
    _types?: string[] | null,
    @Arg('after', () => String, { nullable: true, description: 'Start behind this cursor.' })
    _after?: string | null,
  ): Change {
    return toChange(change);
  }
}
