import { Field, ID, ObjectType } from 'type-graphql';
import type { RoleRecord } from '../../domain/roles/role.service';
import { connectionType } from '../common/connection';

@ObjectType({ description: 'A role of the tenant (e.g. an Entra app role such as "Admin").' })
export class Role {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Unique in the tenant; what assignRole and the role filter use.' })
  value!: string;

  @Field(() => String, { nullable: true })
  display!: string | null;

  @Field(() => String, { nullable: true })
  type!: string | null;

  @Field()
  createdAt!: Date;
}

export function toRole(r: RoleRecord): Role {
  return { id: r.id, value: r.value, display: r.display, type: r.type, createdAt: r.createdAt };
}

export const RoleConnection = connectionType<Role>('Role', () => Role, 'roles');
