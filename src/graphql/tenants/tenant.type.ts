import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { connectionType } from '../common/connection';

@ObjectType({ description: 'A customer company whose directory we keep.' })
export class Tenant {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Unique, URL-safe short name.' })
  slug!: string;

  @Field()
  name!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the operator suspended it, or null. While suspended its SCIM requests are answered 403 and its API keys, JWTs and console sessions are refused (FORBIDDEN, reason TENANT_SUSPENDED); its data is kept.',
  })
  suspendedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why it was suspended (for operators; never shown to Entra).',
  })
  suspendedReason!: string | null;

  @Field(() => String, { nullable: true, description: 'Who suspended it (operator:operator).' })
  suspendedBy!: string | null;
}

export const TenantConnection = connectionType<Tenant>('Tenant', () => Tenant, 'tenants');

@InputType()
export class CreateTenantInput {
  @Field({ description: 'Lower-case letters, digits and hyphens; unique.' })
  slug!: string;

  @Field()
  name!: string;
}

@ObjectType()
export class CreateTenantPayload {
  @Field(() => Tenant)
  tenant!: Tenant;

  @Field({ description: "The tenant's SCIM Provisioning URL (Entra: Tenant URL)." })
  scimUrl!: string;

  @Field({ description: 'The Provisioning Secret Token. Shown only here; store it in Entra now.' })
  scimToken!: string;
}
