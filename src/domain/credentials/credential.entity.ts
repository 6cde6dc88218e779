import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

export type CredentialKind = 'SCIM_TOKEN' | 'API_KEY';

/** A tenant secret. Only its SHA-256 hash and a short visible prefix are stored. */
@Entity({ tableName: 'credential' })
export class Credential {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  tenantId!: string;

  @Property({ type: 'text' })
  kind!: CredentialKind;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text' })
  prefix!: string;

  @Property({ type: 'text', hidden: true })
  secretHash!: string;

  @Property({ type: 'text[]' })
  scopes: string[] = [];

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;
}
