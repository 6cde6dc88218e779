import { createUnionType } from 'type-graphql';
import { connectionType } from '../common/connection';
import { Group } from '../groups/group.type';
import { User } from '../users/user.type';

/** A member of a group: a user, or a nested group. */
export const Member = createUnionType({
  name: 'Member',
  description: 'A member of a group: a user or a nested group.',
  types: () => [User, Group] as const,
  resolveType: (value) => ('userName' in value ? 'User' : 'Group'),
});

export const MemberConnection = connectionType<User | Group>('Member', () => Member, 'members');
