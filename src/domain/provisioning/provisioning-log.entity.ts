import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** One SCIM request as the tenant's provisioning log shows it. */
@Entity({ tableName: 'provisioning_log' })
export class ProvisioningLogEntry {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'uuid' })
  tenantId!: string;

  @Property({ type: 'text' })
  requestId!: string;

  @Property({ type: 'text' })
  method!: string;

  @Property({ type: 'text' })
  path!: string;

  @Property({ type: 'smallint' })
  status!: number;

  @Property({ type: 'float' })
  durationMs!: number;

  @Property({ type: 'text', nullable: true })
  errorDetail: string | null = null;

  @Property({ type: 'text[]' })
  warnings: string[] = [];

  @Property({ type: 'json', nullable: true })
  operations: unknown = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
