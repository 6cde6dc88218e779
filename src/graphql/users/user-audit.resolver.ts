import DataLoader from 'dataloader';
import { Arg, Ctx, Field, FieldResolver, ID, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { recentAuditEvents, type AuditEventRecord } from '../../domain/audit/audit.queries';
import { badInput } from '../common/connection';
import { tenantCtx, type GraphQLContext } from '../context';
import { User } from './user.type';

@ObjectType({ description: 'A change recorded in the audit trail (append-only).' })
export class AuditEvent {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'e.g. user.created, user.updated, user.deleted.' })
  action!: string;

  @Field(() => [String], {
    description: 'The stored fields the change set, e.g. display_name, active, roles; * for a creation.',
  })
  changedFields!: string[];

  @Field({
    description:
      'Who acted: scim:<token id>, apiKey:<key id>, jwt:<subject>, session:<id> or operator:operator.',
  })
  actor!: string;

  @Field(() => String, {
    nullable: true,
    description: "The SCIM token's or API key's name, when one of the tenant's credentials acted.",
  })
  actorName!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The X-Request-Id of the request that made the change.',
  })
  requestId!: string | null;

  @Field()
  createdAt!: Date;
}

const MAX_EVENTS = 100;

@Resolver(() => User)
export class UserAuditResolver {
  @FieldResolver(() => [AuditEvent], {
    description: "The user's most recent audit events, newest first (first: default 20, at most 100).",
  })
  auditEvents(
    @Root() user: User,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
  ): Promise<AuditEventRecord[]> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_EVENTS) {
      throw badInput(`first must be between 0 and ${MAX_EVENTS} (got ${first}).`, 'first');
    }
    return auditLoader(ctx, first).load(user.id.toLowerCase());
  }
}

/** One statement for the audit events of every user on the page (per `first`). */
function auditLoader(ctx: GraphQLContext, first: number): DataLoader<string, AuditEventRecord[]> {
  const key = `userAudit|${first}`;
  let loader = ctx.loaders.get(key) as DataLoader<string, AuditEventRecord[]> | undefined;
  if (!loader) {
    const dctx = tenantCtx(ctx);
    loader = new DataLoader(async (ids) => {
      const found = await recentAuditEvents(dctx, ids, first);
      return ids.map((id) => found.get(id) ?? []);
    });
    ctx.loaders.set(key, loader);
  }
  return loader;
}
