import { Migration } from '@mikro-orm/migrations';

/**
 * `cp_closure_apply` (a statement that nests or un-nests groups, ADR 0014) in two statements
 * instead of one. As one statement PostgreSQL could not know how few (ancestor, nested group)
 * pairs a change moves: it estimated thousands from the recursive CTEs and joined them to the
 * whole `membership` table by hash, reading every membership of every tenant (52 ms at 200,000
 * rows, growing with the table) for a change that moves a few thousand closure rows. Now the first
 * statement finds the pairs (with the nesting indexes only) into arrays, and the second reads the
 * members of just those groups through the primary key: same rows written, same order, same
 * locks.
 */
export class Migration20261211010000_closure_nesting_plan extends Migration {
  override async up(): Promise<void> {
    this
      .addSql(`create or replace function "cp_closure_apply"(t_group uuid[], t_member uuid[], t_user boolean[], t_tenant uuid[], sign int)
      returns void language plpgsql as $$
      declare
        moved_a uuid[];
        moved_gid uuid[];
        moved_k int[];
        above_a uuid[];
        above_gid uuid[];
        zero_group uuid[];
        zero_member uuid[];
      begin
        -- Which groups came into (k = 1) or left (k = -1) the nesting of which group above a
        -- changed group, and which groups each changed group was under: small sets.
        with recursive roots as (select distinct gid from unnest(t_group) as r(gid)),
        up(gid) as (
          select gid from roots
          union
          select m."group_id" from "membership" m join up on m."member_group_id" = up.gid
        ),
        affected as (
          select gid from up
          union select c."group_id" from "membership_closure" c join roots r on c."member_id" = r.gid
        ),
        now_under(a, gid) as (
          select gid, gid from affected
          union
          select d.a, m."member_group_id" from now_under d join "membership" m on m."group_id" = d.gid
          where m."member_group_id" is not null
        ),
        was_under(a, gid) as (
          select gid, gid from affected
          union all
          select c."group_id", c."member_id" from "membership_closure" c join affected f on c."group_id" = f.gid
          where not c."is_user"
        ),
        moved as (
          (select a, gid, 1 as k from now_under except select a, gid, 1 from was_under)
          union all
          (select a, gid, -1 from was_under except select a, gid, -1 from now_under)
        ),
        above as (select a, gid from was_under where gid in (select gid from roots))
        select m.a, m.gid, m.k, w.a, w.gid
        into moved_a, moved_gid, moved_k, above_a, above_gid
        from (select array_agg(a) as a, array_agg(gid) as gid, array_agg(k) as k from moved) m,
          (select array_agg(a) as a, array_agg(gid) as gid from above) w;

        -- The members of the groups that moved, counted in or out of each group they moved under,
        -- and the changed rows themselves once for each group they were under.
        with delta as (
          select d.a, m."member_id", m."member_user_id" is not null as "is_user", m."tenant_id", d.k
          from unnest(moved_a, moved_gid, moved_k) as d(a, gid, k) join "membership" m on m."group_id" = d.gid
          union all
          select w.a, t."member_id", t."is_user", t."tenant_id", sign
          from unnest(above_a, above_gid) as w(a, gid)
          join unnest(t_group, t_member, t_user, t_tenant) as t("group_id", "member_id", "is_user", "tenant_id")
            on t."group_id" = w.gid
        ),
        sums as (
          select a, "member_id", "is_user", "tenant_id", sum(k)::int as k from delta
          group by a, "member_id", "is_user", "tenant_id" having sum(k) <> 0
        ),
        written as (
          insert into "membership_closure" ("tenant_id", "group_id", "member_id", "is_user", "n")
          select "tenant_id", a, "member_id", "is_user", k from sums order by a, "member_id"
          on conflict ("group_id", "member_id") do update set "n" = "membership_closure"."n" + excluded."n"
          returning "group_id", "member_id", "n"
        )
        select array_agg("group_id"), array_agg("member_id") into zero_group, zero_member
        from written where "n" <= 0;
        -- Those rows are locked by the insert above, so their n is still what it returned.
        delete from "membership_closure" c using unnest(zero_group, zero_member) as z(g, m)
        where c."group_id" = z.g and c."member_id" = z.m;
      end
    $$;`);
  }

  override async down(): Promise<void> {
    // The one-statement body of Migration20261209010000_membership_closure computes the same rows;
    // going down keeps this one rather than repeat that text here.
  }
}
