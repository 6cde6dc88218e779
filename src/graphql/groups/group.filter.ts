import { Field, InputType, registerEnumType } from 'type-graphql';
import type { DirectoryFilter } from '../../domain/memberships/membership.filter';
import type { Filter, SortSpec } from '../../domain/query/ast';
import { MembershipDepth, OrderDirection } from '../common/enums';
import {
  allOf,
  anyOf,
  attrPath,
  dateConditions,
  DateTimeFilter,
  FilterBudget,
  IdFilter,
  idConditions,
  MemberOfFilter,
  memberOfCondition,
  negate,
  StringFilter,
  stringConditions,
} from '../common/filters';

@InputType({
  description:
    'Typed group filter: every given field must hold. It compiles to the same filter language as scimFilter.',
})
export class GroupFilter {
  @Field(() => IdFilter, { nullable: true })
  id?: IdFilter | null;

  @Field(() => StringFilter, { nullable: true })
  displayName?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true })
  externalId?: StringFilter | null;

  @Field(() => IdFilter, { nullable: true, description: 'Has a direct member (user or group) with this id.' })
  member?: IdFilter | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: has at least one direct member; false: empty.',
  })
  hasMembers?: boolean | null;

  @Field(() => MemberOfFilter, { nullable: true, description: 'Nested in this group, at the given depth.' })
  memberOf?: MemberOfFilter | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: nested in at least one group; false: a top-level group.',
  })
  memberOfAny?: boolean | null;

  @Field(() => DateTimeFilter, { nullable: true })
  createdAt?: DateTimeFilter | null;

  @Field(() => DateTimeFilter, { nullable: true })
  updatedAt?: DateTimeFilter | null;

  @Field(() => [GroupFilter], { nullable: true, description: 'Every one of these holds.' })
  and?: GroupFilter[] | null;

  @Field(() => [GroupFilter], { nullable: true, description: 'At least one of these holds.' })
  or?: GroupFilter[] | null;

  @Field(() => GroupFilter, { nullable: true, description: 'This does not hold.' })
  not?: GroupFilter | null;
}

/** Compiles a typed group filter to the shared filter AST (plus `inAnyGroup` for memberOfAny). */
export function groupFilterToDirectoryFilter(f: GroupFilter, budget = new FilterBudget()): DirectoryFilter {
  const leaves: Filter[] = [
    ...idConditions('id', f.id),
    ...stringConditions('displayName', f.displayName),
    ...stringConditions('externalId', f.externalId),
    ...idConditions('members.value', f.member),
    ...memberOfCondition(f.memberOf),
    ...dateConditions('meta.created', f.createdAt),
    ...dateConditions('meta.lastModified', f.updatedAt),
  ];
  if (f.hasMembers != null) {
    const present: Filter = { kind: 'present', path: attrPath('members') };
    leaves.push(f.hasMembers ? present : { kind: 'not', filter: present });
  }
  budget.spend(leaves.length);
  const parts: DirectoryFilter[] = leaves.map((filter) => ({ kind: 'ast', filter }));
  if (f.memberOfAny != null) parts.push({ kind: 'inAnyGroup', value: f.memberOfAny });
  if (f.and) parts.push(...f.and.map((x) => groupFilterToDirectoryFilter(x, budget)));
  if (f.or) parts.push(anyOf(f.or.map((x) => groupFilterToDirectoryFilter(x, budget))));
  if (f.not) parts.push(negate(groupFilterToDirectoryFilter(f.not, budget)));
  return allOf(parts);
}

export enum GroupOrderField {
  DISPLAY_NAME = 'displayName',
  EXTERNAL_ID = 'externalId',
  CREATED_AT = 'meta.created',
  UPDATED_AT = 'meta.lastModified',
  MEMBER_COUNT = 'memberCount',
}
registerEnumType(GroupOrderField, {
  name: 'GroupOrderField',
  valuesConfig: { MEMBER_COUNT: { description: 'memberCount(membership) — see GroupOrder.membership.' } },
});

@InputType({ description: 'Sort order of groups (ties broken by id). Default: creation time.' })
export class GroupOrder {
  @Field(() => GroupOrderField)
  field!: GroupOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC })
  direction!: OrderDirection;

  @Field(() => MembershipDepth, {
    defaultValue: MembershipDepth.DIRECT,
    description: 'For MEMBER_COUNT: which count to sort by (as Group.memberCount).',
  })
  membership!: MembershipDepth;
}

/** The shared sort spec for a GroupOrder on an attribute (not MEMBER_COUNT). */
export function groupSort(order: GroupOrder | null | undefined): SortSpec | undefined {
  return order && order.field !== GroupOrderField.MEMBER_COUNT
    ? { path: attrPath(order.field), descending: order.direction === OrderDirection.DESC }
    : undefined;
}
