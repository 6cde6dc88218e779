import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One row per (group, member). Exactly one of memberUserId / memberGroupId is set; memberId is the
 * database-generated union of the two, so "groups of a member" is one index lookup.
 */
@Entity({ tableName: 'membership' })
export class Membership {
  @PrimaryKey({ type: 'uuid' })
  groupId!: string;

  @PrimaryKey({ type: 'uuid', generated: 'coalesce(member_user_id, member_group_id) stored' })
  memberId!: string;

  @Property({ type: 'uuid' })
  tenantId!: string;

  @Property({ type: 'uuid', nullable: true })
  memberUserId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  memberGroupId: string | null = null;

  @Property({ type: 'text', nullable: true })
  display: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
