import { query, sql } from '../../src/domain/sql';
import type { TestDatabase } from './db';

/**
 * Rows where `membership_closure` differs from the closure recomputed from scratch with a recursive
 * query over the live membership rows (every tenant): `missing` rows the table lacks or holds with
 * another count, `extra` rows it should not hold. Empty when the triggers kept it exact.
 */
export async function closureDifferences(db: TestDatabase): Promise<Array<Record<string, unknown>>> {
  return query(
    db.em(),
    sql`with recursive down(a, gid) as (
       select id, id from "group"
       union
       select d.a, m.member_group_id from down d join membership m on m.group_id = d.gid where m.member_group_id is not null
     ),
     fresh as (
       select m.tenant_id, d.a as group_id, m.member_id, m.member_user_id is not null as is_user, count(*)::int as n
       from down d join membership m on m.group_id = d.gid group by 1, 2, 3, 4
     ),
     kept as (select tenant_id, group_id, member_id, is_user, n from membership_closure)
     select 'missing' as diff, * from (select * from fresh except all select * from kept) x
     union all
     select 'extra', * from (select * from kept except all select * from fresh) y`,
  );
}
