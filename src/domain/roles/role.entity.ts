import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** A tenant's role, identified by its value (e.g. "Admin"), as Entra's app roles send it. */
@Entity({ tableName: 'role' })
@Unique({ properties: ['tenantId', 'value'] })
export class Role {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  tenantId!: string;

  @Property({ type: 'text' })
  value!: string;

  @Property({ type: 'text', nullable: true })
  display: string | null = null;

  @Property({ type: 'text', nullable: true })
  type: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}

@Entity({ tableName: 'user_role' })
export class UserRole {
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @PrimaryKey({ type: 'uuid' })
  roleId!: string;

  @Property({ type: 'uuid' })
  tenantId!: string;

  @Property({ type: 'boolean' })
  primary = false;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
