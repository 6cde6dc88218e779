import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import type { CredentialRecord } from '../../domain/credentials/credential.types';
import { ApiScope } from '../common/enums';

@ObjectType({ description: 'A SCIM Provisioning Secret Token (only its prefix is kept visible).' })
export class ScimToken {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'The first characters of the token, to tell tokens apart.' })
  prefix!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Last use, recorded at most once a minute.' })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType({
  description: "The tenant's SCIM endpoint and its live tokens, for Entra's provisioning settings.",
})
export class Provisioning {
  @Field({ description: 'The Tenant URL to enter in Entra.' })
  scimUrl!: string;

  @Field(() => [ScimToken], { description: 'Unrevoked tokens, newest first.' })
  tokens!: ScimToken[];
}

@ObjectType()
export class RotateScimTokenPayload {
  @Field({ description: 'The new Secret Token, shown only here. Older tokens keep working until revoked.' })
  scimToken!: string;

  @Field(() => ScimToken)
  token!: ScimToken;

  @Field(() => [ScimToken], { description: 'The tokens revokeOthers revoked (none without it).' })
  revoked!: ScimToken[];
}

@ObjectType()
export class RevokeScimTokensPayload {
  @Field(() => [ScimToken], { description: 'The tokens revoked now (none when there were no live ones).' })
  revoked!: ScimToken[];
}

@ObjectType({ description: 'A tenant API key (stored hashed; the secret was shown once at creation).' })
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => [ApiScope])
  scopes!: ApiScope[];

  @Field()
  prefix!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Last use, recorded at most once a minute.' })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@InputType()
export class CreateApiKeyInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Required for the operator; a TENANT_ADMIN caller omits it (its own tenant).',
  })
  tenantId?: string | null;

  @Field({ description: 'What the key is for, e.g. "billing-service".' })
  name!: string;

  @Field(() => [ApiScope])
  scopes!: ApiScope[];
}

@ObjectType()
export class CreateApiKeyPayload {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field({ description: 'The key, shown only here: send it as Authorization: Bearer <secret>.' })
  secret!: string;
}

export enum PrincipalKind {
  OPERATOR = 'OPERATOR',
  API_KEY = 'API_KEY',
  JWT = 'JWT',
  /** Signed in to the console with a setup link: every tenant scope, in its tenant. */
  TENANT_ADMIN = 'TENANT_ADMIN',
}
registerEnumType(PrincipalKind, { name: 'PrincipalKind' });

@ObjectType({ description: 'Who the request is authenticated as.' })
export class Viewer {
  @Field(() => PrincipalKind)
  kind!: PrincipalKind;

  @Field(() => ID, { nullable: true, description: 'Null for the operator.' })
  tenantId!: string | null;

  @Field(() => [ApiScope])
  scopes!: ApiScope[];

  @Field(() => String, { nullable: true, description: 'The API key id or the JWT subject.' })
  subject!: string | null;
}

export function toScimToken(c: CredentialRecord): ScimToken {
  return {
    id: c.id,
    name: c.name,
    prefix: c.prefix,
    createdAt: c.createdAt,
    lastUsedAt: c.lastUsedAt,
    revokedAt: c.revokedAt,
  };
}

export function toApiKey(c: CredentialRecord): ApiKey {
  return { ...toScimToken(c), scopes: c.scopes.map((s) => s as ApiScope) };
}
