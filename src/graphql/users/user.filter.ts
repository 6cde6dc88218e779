import { Field, InputType, registerEnumType } from 'type-graphql';
import type { DirectoryFilter } from '../../domain/memberships/membership.filter';
import type { Filter, SortSpec } from '../../domain/query/ast';
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
import { OrderDirection } from '../common/enums';

/** Text fields of UserFilter and the registry attribute (SCIM path) each one filters on. */
export const USER_TEXT_FIELDS = {
  userName: 'userName',
  externalId: 'externalId',
  displayName: 'displayName',
  givenName: 'name.givenName',
  familyName: 'name.familyName',
  email: 'emails.value',
  title: 'title',
  preferredLanguage: 'preferredLanguage',
  employeeNumber: 'employeeNumber',
  costCenter: 'costCenter',
  organization: 'organization',
  division: 'division',
  department: 'department',
  role: 'roles.value',
} as const;

@InputType({
  description:
    'Typed user filter: every given field must hold. It compiles to the same filter language as scimFilter.',
})
export class UserFilter {
  @Field(() => IdFilter, { nullable: true })
  id?: IdFilter | null;

  @Field(() => StringFilter, { nullable: true })
  userName?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true })
  externalId?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true })
  displayName?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true })
  givenName?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true })
  familyName?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true, description: 'Any of the e-mail addresses.' })
  email?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true })
  title?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true })
  preferredLanguage?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true })
  employeeNumber?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true })
  costCenter?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true })
  organization?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true })
  division?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true })
  department?: StringFilter | null;

  @Field(() => StringFilter, {
    nullable: true,
    description: 'A role the user holds, e.g. { equals: "Admin" }; { present: false } = holds no role.',
  })
  role?: StringFilter | null;

  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;

  @Field(() => IdFilter, { nullable: true, description: "The manager's user id." })
  manager?: IdFilter | null;

  @Field(() => MemberOfFilter, { nullable: true, description: 'Member of this group, at the given depth.' })
  memberOf?: MemberOfFilter | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: a direct member of at least one group; false: a member of no group at all.',
  })
  memberOfAny?: boolean | null;

  @Field(() => DateTimeFilter, { nullable: true })
  createdAt?: DateTimeFilter | null;

  @Field(() => DateTimeFilter, { nullable: true })
  updatedAt?: DateTimeFilter | null;

  @Field(() => [UserFilter], { nullable: true, description: 'Every one of these holds.' })
  and?: UserFilter[] | null;

  @Field(() => [UserFilter], { nullable: true, description: 'At least one of these holds.' })
  or?: UserFilter[] | null;

  @Field(() => UserFilter, { nullable: true, description: 'This does not hold.' })
  not?: UserFilter | null;
}

/** Compiles a typed user filter to the shared filter AST (plus `inAnyGroup` for memberOfAny). */
export function userFilterToDirectoryFilter(f: UserFilter, budget = new FilterBudget()): DirectoryFilter {
  const leaves: Filter[] = [];
  for (const [field, scimPath] of Object.entries(USER_TEXT_FIELDS)) {
    leaves.push(...stringConditions(scimPath, f[field as keyof typeof USER_TEXT_FIELDS]));
  }
  leaves.push(...idConditions('id', f.id), ...idConditions('manager', f.manager));
  if (f.active != null) leaves.push({ kind: 'compare', op: 'eq', path: attrPath('active'), value: f.active });
  leaves.push(...memberOfCondition(f.memberOf));
  leaves.push(
    ...dateConditions('meta.created', f.createdAt),
    ...dateConditions('meta.lastModified', f.updatedAt),
  );
  budget.spend(leaves.length);
  const parts: DirectoryFilter[] = leaves.map((filter) => ({ kind: 'ast', filter }));
  if (f.memberOfAny != null) parts.push({ kind: 'inAnyGroup', value: f.memberOfAny });
  if (f.and) parts.push(...f.and.map((x) => userFilterToDirectoryFilter(x, budget)));
  if (f.or) parts.push(anyOf(f.or.map((x) => userFilterToDirectoryFilter(x, budget))));
  if (f.not) parts.push(negate(userFilterToDirectoryFilter(f.not, budget)));
  return allOf(parts);
}

export enum UserOrderField {
  USER_NAME = 'userName',
  DISPLAY_NAME = 'displayName',
  GIVEN_NAME = 'name.givenName',
  FAMILY_NAME = 'name.familyName',
  TITLE = 'title',
  DEPARTMENT = 'department',
  EMPLOYEE_NUMBER = 'employeeNumber',
  EXTERNAL_ID = 'externalId',
  CREATED_AT = 'meta.created',
  UPDATED_AT = 'meta.lastModified',
}
registerEnumType(UserOrderField, { name: 'UserOrderField' });

@InputType({ description: 'Sort order of users (ties broken by id). Default: creation time.' })
export class UserOrder {
  @Field(() => UserOrderField)
  field!: UserOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC })
  direction!: OrderDirection;
}

/** The shared sort spec for a UserOrder. */
export function userSort(order: UserOrder | null | undefined): SortSpec | undefined {
  return order
    ? { path: attrPath(order.field), descending: order.direction === OrderDirection.DESC }
    : undefined;
}
