import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { MultiValued, UserRecord } from '../../domain/users/user.types';
import { connectionType } from '../common/connection';
import { Source } from '../common/enums';

@ObjectType({ description: "A person's name parts." })
export class PersonName {
  @Field(() => String, { nullable: true })
  formatted!: string | null;

  @Field(() => String, { nullable: true })
  givenName!: string | null;

  @Field(() => String, { nullable: true })
  familyName!: string | null;

  @Field(() => String, { nullable: true })
  middleName!: string | null;

  @Field(() => String, { nullable: true })
  honorificPrefix!: string | null;

  @Field(() => String, { nullable: true })
  honorificSuffix!: string | null;
}

@ObjectType({ description: 'An e-mail address of a user.' })
export class Email {
  @Field(() => String, { nullable: true, description: 'work, home, other …' })
  type!: string | null;

  @Field(() => String, { nullable: true })
  value!: string | null;

  @Field()
  primary!: boolean;
}

@ObjectType({ description: 'A phone number of a user.' })
export class PhoneNumber {
  @Field(() => String, { nullable: true, description: 'work, mobile, fax …' })
  type!: string | null;

  @Field(() => String, { nullable: true })
  value!: string | null;

  @Field()
  primary!: boolean;
}

@ObjectType({ description: 'A role held by a user (Entra app role assignments arrive as these).' })
export class RoleAssignment {
  @Field({ description: 'The role, e.g. "Admin".' })
  value!: string;

  @Field(() => String, { nullable: true })
  display!: string | null;

  @Field(() => String, { nullable: true })
  type!: string | null;

  @Field()
  primary!: boolean;
}

@ObjectType({ description: 'A person in the directory. The id is the same id the SCIM façade uses.' })
export class User {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Unique in the tenant, compared case-insensitively.' })
  userName!: string;

  @Field(() => String, { nullable: true, description: "The identity provider's id for the user." })
  externalId!: string | null;

  @Field()
  active!: boolean;

  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @Field(() => PersonName)
  name!: PersonName;

  @Field(() => String, { nullable: true })
  nickName!: string | null;

  @Field(() => [Email])
  emails!: Email[];

  @Field(() => [PhoneNumber])
  phoneNumbers!: PhoneNumber[];

  @Field(() => String, { nullable: true })
  preferredLanguage!: string | null;

  @Field(() => String, { nullable: true })
  locale!: string | null;

  @Field(() => String, { nullable: true })
  timezone!: string | null;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => String, { nullable: true })
  userType!: string | null;

  @Field(() => String, { nullable: true })
  employeeNumber!: string | null;

  @Field(() => String, { nullable: true })
  costCenter!: string | null;

  @Field(() => String, { nullable: true })
  organization!: string | null;

  @Field(() => String, { nullable: true })
  division!: string | null;

  @Field(() => String, { nullable: true })
  department!: string | null;

  @Field(() => [RoleAssignment])
  roles!: RoleAssignment[];

  @Field(() => Source)
  source!: Source;

  @Field(() => Int, {
    description: 'Increases with every change; pass it to updateUser to avoid lost updates.',
  })
  version!: number;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  /** Not a GraphQL field: resolved to `manager: User` by a batched loader. */
  managerId!: string | null;
}

const truthy = (v: unknown) => v === true || String(v).toLowerCase() === 'true';
const text = (v: unknown) => (v === null || v === undefined ? null : String(v));

function typedValue(v: MultiValued): Email {
  return { type: text(v.type), value: text(v.value), primary: truthy(v.primary) };
}

/** The GraphQL shape of a domain user. */
export function toUser(u: UserRecord): User {
  return {
    id: u.id,
    userName: u.userName,
    externalId: u.externalId,
    active: u.active,
    displayName: u.displayName,
    name: { ...u.name },
    nickName: u.nickName,
    emails: u.emails.map(typedValue),
    phoneNumbers: u.phoneNumbers.map(typedValue),
    preferredLanguage: u.preferredLanguage,
    locale: u.locale,
    timezone: u.timezone,
    title: u.title,
    userType: u.userType,
    employeeNumber: u.enterprise.employeeNumber,
    costCenter: u.enterprise.costCenter,
    organization: u.enterprise.organization,
    division: u.enterprise.division,
    department: u.enterprise.department,
    roles: u.roles.map((r) => ({
      value: r.value,
      display: r.display,
      type: r.type,
      primary: truthy(r.primary),
    })),
    source: u.source === 'API' ? Source.API : Source.SCIM,
    version: u.version,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
    managerId: u.enterprise.managerId,
  };
}

export const UserConnection = connectionType<User>('User', () => User, 'users');
