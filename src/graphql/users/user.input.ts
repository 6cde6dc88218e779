import { Field, ID, InputType } from 'type-graphql';
import type { EnterpriseAttributes, UserInput } from '../../domain/users/user.types';

@InputType()
export class PersonNameInput {
  @Field(() => String, { nullable: true })
  formatted?: string | null;

  @Field(() => String, { nullable: true })
  givenName?: string | null;

  @Field(() => String, { nullable: true })
  familyName?: string | null;

  @Field(() => String, { nullable: true })
  middleName?: string | null;

  @Field(() => String, { nullable: true })
  honorificPrefix?: string | null;

  @Field(() => String, { nullable: true })
  honorificSuffix?: string | null;
}

@InputType({ description: 'An e-mail address or phone number.' })
export class TypedValueInput {
  @Field()
  value!: string;

  @Field(() => String, { nullable: true, description: 'work, home, mobile …' })
  type?: string | null;

  @Field(() => Boolean, { nullable: true })
  primary?: boolean | null;
}

@InputType()
export class RoleAssignmentInput {
  @Field()
  value!: string;

  @Field(() => String, { nullable: true })
  display?: string | null;

  @Field(() => String, { nullable: true })
  type?: string | null;

  @Field(() => Boolean, { nullable: true })
  primary?: boolean | null;
}

/** Attributes shared by createUser and updateUser; in updateUser an omitted field is left as is and null clears it. */
@InputType()
abstract class UserAttributesInput {
  @Field(() => String, { nullable: true })
  externalId?: string | null;

  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => PersonNameInput, { nullable: true })
  name?: PersonNameInput | null;

  @Field(() => String, { nullable: true })
  nickName?: string | null;

  @Field(() => [TypedValueInput], { nullable: true })
  emails?: TypedValueInput[] | null;

  @Field(() => [TypedValueInput], { nullable: true })
  phoneNumbers?: TypedValueInput[] | null;

  @Field(() => String, { nullable: true })
  preferredLanguage?: string | null;

  @Field(() => String, { nullable: true })
  locale?: string | null;

  @Field(() => String, { nullable: true })
  timezone?: string | null;

  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  userType?: string | null;

  @Field(() => String, { nullable: true })
  employeeNumber?: string | null;

  @Field(() => String, { nullable: true })
  costCenter?: string | null;

  @Field(() => String, { nullable: true })
  organization?: string | null;

  @Field(() => String, { nullable: true })
  division?: string | null;

  @Field(() => String, { nullable: true })
  department?: string | null;

  @Field(() => ID, { nullable: true, description: "The manager's user id (a user of the same tenant)." })
  managerId?: string | null;

  @Field(() => [RoleAssignmentInput], { nullable: true, description: 'Replaces every role assignment.' })
  roles?: RoleAssignmentInput[] | null;
}

@InputType()
export class CreateUserInput extends UserAttributesInput {
  @Field()
  userName!: string;
}

@InputType()
export class UpdateUserInput extends UserAttributesInput {
  @Field(() => String, { nullable: true })
  userName?: string | null;
}

const SIMPLE = [
  'externalId',
  'displayName',
  'nickName',
  'preferredLanguage',
  'locale',
  'timezone',
  'title',
  'userType',
] as const;
const ENTERPRISE = ['employeeNumber', 'costCenter', 'organization', 'division', 'department'] as const;

const typedValues = (list: TypedValueInput[] | null) =>
  (list ?? []).map((v) => ({ value: v.value, type: v.type ?? null, primary: v.primary === true }));

/**
 * The domain input for the fields actually sent: an omitted field stays undefined (left as is by
 * updateUser), an explicit null becomes null (cleared).
 */
export function toUserInputPatch(
  input: UserAttributesInput & { userName?: string | null },
): Partial<UserInput> {
  const out: Partial<UserInput> = {};
  if (input.userName != null) out.userName = input.userName;
  for (const key of SIMPLE) if (input[key] !== undefined) out[key] = input[key] ?? null;
  if (input.active !== undefined) out.active = input.active ?? true;
  if (input.name !== undefined) {
    const name: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(input.name ?? {})) if (v !== undefined) name[k] = v;
    out.name = name as unknown as UserInput['name'];
  }
  if (input.emails !== undefined) out.emails = typedValues(input.emails);
  if (input.phoneNumbers !== undefined) out.phoneNumbers = typedValues(input.phoneNumbers);
  const enterprise: Partial<EnterpriseAttributes> = {};
  for (const key of ENTERPRISE) if (input[key] !== undefined) enterprise[key] = input[key] ?? null;
  if (input.managerId !== undefined) enterprise.managerId = input.managerId ?? null;
  if (Object.keys(enterprise).length > 0) out.enterprise = enterprise as EnterpriseAttributes;
  if (input.roles !== undefined) {
    out.roles = (input.roles ?? []).map((r) => ({
      value: r.value,
      display: r.display ?? null,
      type: r.type ?? null,
      primary: r.primary === true,
    }));
  }
  return out;
}
