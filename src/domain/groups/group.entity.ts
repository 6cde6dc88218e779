import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { Source } from '../users/user.types';

@Entity({ tableName: 'group' })
@Index({ properties: ['tenantId', 'externalId'] })
export class Group {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  tenantId!: string;

  @Property({ type: 'text' })
  displayName!: string;

  @Property({ type: 'text', nullable: true })
  externalId: string | null = null;

  @Property({ type: 'text' })
  source!: Source;

  @Property({ type: 'integer' })
  version = 1;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}
