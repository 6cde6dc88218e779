import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** Append-only record of a domain write (a database trigger rejects updates). */
@Entity({ tableName: 'audit_event' })
export class AuditEvent {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'uuid', nullable: true })
  tenantId: string | null = null;

  @Property({ type: 'text' })
  actor!: string;

  @Property({ type: 'text' })
  action!: string;

  @Property({ type: 'text' })
  resourceType!: string;

  @Property({ type: 'text' })
  resourceId!: string;

  @Property({ type: 'text[]' })
  changedFields: string[] = [];

  @Property({ type: 'text', nullable: true })
  requestId: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
