import { Migration } from '@mikro-orm/migrations';

/**
 * The transitive membership, kept as rows (ADR 0014). `membership_closure` holds one row per
 * (group, member) where the member (user or group) is in the group directly or through nested
 * groups; `n` is how many direct membership rows put it there (rows (y, member) with y the group
 * or a group nested in it), so a removal knows whether another way in remains.
 *
 * Statement-level triggers on `membership` keep it, beside the history triggers, so every path
 * (SCIM, GraphQL, restores, and the cascades of user and group deletes) maintains it:
 * - A statement that adds or removes only users (Entra's hot path) changes `n` of (g, user) for
 *   the group and each group it is nested in (read from this table), in key order. It holds the
 *   tenant's membership-graph advisory lock SHARED until commit, so it never races a nesting change.
 * - A statement that adds or removes a nested group takes the same lock EXCLUSIVE (the cycle check
 *   in membership.service already holds it for adds) and, for every group above the groups it
 *   changed (before and after), counts in or out the members of the groups that came into or left
 *   its nesting: work in proportion to the subtree that moved.
 * Under READ COMMITTED each statement of the trigger takes a fresh snapshot, so whatever ran under
 * the lock before has committed and is seen.
 *
 * No foreign keys: the triggers are the only writer, and the rows go with their memberships (a
 * deleted user's or group's memberships cascade through `membership`, and so through here).
 */
export class Migration20261209010000_membership_closure extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "membership_closure" (
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "group_id" uuid not null,
      "member_id" uuid not null,
      "is_user" boolean not null,
      "n" integer not null,
      constraint "membership_closure_pkey" primary key ("group_id", "member_id") include ("is_user"),
      constraint "membership_closure_not_self" check ("member_id" <> "group_id")
    );`);
    // A member's groups at every depth (checkMembership, User.groups), and the groups above a group.
    this.addSql(
      `create index "membership_closure_member_index" on "membership_closure" ("member_id", "group_id");`,
    );

    // The groups nested in a group, without reading its users: every nesting change walks these.
    this.addSql(
      `create index "membership_closure_nested_index" on "membership_closure" ("group_id", "member_id") where not "is_user";`,
    );

    // Recompute the closure rows of the groups in `roots` and of every group above them from the
    // membership rows, writing only the differences: fills the table below, and repairs it.
    this.addSql(`create function "cp_closure_recompute"(roots uuid[]) returns void language plpgsql as $$
      begin
        with recursive up(gid) as (
          select unnest(roots)
          union
          select m."group_id" from "membership" m join up on m."member_group_id" = up.gid
        ),
        affected as (
          select gid from up
          union select c."group_id" from "membership_closure" c where c."member_id" = any(roots)
        ),
        down(a, gid) as (
          select gid, gid from affected
          union
          select d.a, m."member_group_id" from down d join "membership" m on m."group_id" = d.gid
          where m."member_group_id" is not null
        ),
        fresh as (
          select d.a as "group_id", m."member_id", m."tenant_id",
            m."member_user_id" is not null as "is_user", count(*)::int as "n"
          from down d join "membership" m on m."group_id" = d.gid
          group by d.a, m."member_id", m."tenant_id", m."member_user_id" is not null
        ),
        gone as (
          delete from "membership_closure" c using affected a
          where c."group_id" = a.gid
            and not exists (select 1 from fresh f where f."group_id" = c."group_id" and f."member_id" = c."member_id")
        )
        insert into "membership_closure" ("tenant_id", "group_id", "member_id", "is_user", "n")
        select f."tenant_id", f."group_id", f."member_id", f."is_user", f."n" from fresh f
        order by f."group_id", f."member_id"
        on conflict ("group_id", "member_id") do update set "n" = excluded."n"
          where "membership_closure"."n" <> excluded."n";
      end
    $$;`);

    // Apply a statement that changed nesting: rows `t_*` were added (sign 1) or removed (sign -1).
    // For every group above a changed group (before or after), the members of the groups that came
    // into or left its nesting are counted in or out, and the changed rows themselves once for each
    // group they were under: work in proportion to what moved, not to the groups above it. Runs
    // under the tenant's exclusive lock; the closure read here is still the state before the
    // statement.
    this
      .addSql(`create function "cp_closure_apply"(t_group uuid[], t_member uuid[], t_user boolean[], t_tenant uuid[], sign int)
      returns void language plpgsql as $$
      declare
        zero_group uuid[];
        zero_member uuid[];
      begin
        with recursive t as (
          select * from unnest(t_group, t_member, t_user, t_tenant) as x("group_id", "member_id", "is_user", "tenant_id")
        ),
        roots as (select distinct "group_id" as gid from t),
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
        gained as (select a, gid from now_under except select a, gid from was_under),
        lost as (select a, gid from was_under except select a, gid from now_under),
        delta as (
          select g.a, m."member_id", m."member_user_id" is not null as "is_user", m."tenant_id", 1 as k
          from gained g join "membership" m on m."group_id" = g.gid
          union all
          select l.a, m."member_id", m."member_user_id" is not null, m."tenant_id", -1
          from lost l join "membership" m on m."group_id" = l.gid
          union all
          select w.a, t."member_id", t."is_user", t."tenant_id", sign from was_under w join t on t."group_id" = w.gid
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

    this.addSql(`create function "cp_closure_added"() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from added where "member_group_id" is not null) then
          perform pg_advisory_xact_lock(hashtextextended('membership-graph:' || t."tenant_id"::text, 0))
          from (select distinct "tenant_id" from added order by 1) t;
          perform "cp_closure_apply"(x.g, x.m, x.u, x.t, 1) from (
            select array_agg("group_id") as g, array_agg("member_id") as m,
              array_agg("member_user_id" is not null) as u, array_agg("tenant_id") as t from added
          ) x;
          return null;
        end if;
        perform pg_advisory_xact_lock_shared(hashtextextended('membership-graph:' || t."tenant_id"::text, 0))
        from (select distinct "tenant_id" from added order by 1) t;
        -- Each added user is now in its group and every group above it, once more.
        insert into "membership_closure" ("tenant_id", "group_id", "member_id", "is_user", "n")
        select a."tenant_id", x.gid, a."member_id", true, count(*)::int
        from added a cross join lateral (
          select a."group_id" as gid
          union all
          select c."group_id" from "membership_closure" c where c."member_id" = a."group_id"
        ) x
        group by a."tenant_id", x.gid, a."member_id"
        order by x.gid, a."member_id"
        on conflict ("group_id", "member_id") do update set "n" = "membership_closure"."n" + excluded."n";
        return null;
      end
    $$;`);

    this.addSql(`create function "cp_closure_removed"() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from removed where "member_group_id" is not null) then
          perform pg_advisory_xact_lock(hashtextextended('membership-graph:' || t."tenant_id"::text, 0))
          from (select distinct "tenant_id" from removed order by 1) t;
          perform "cp_closure_apply"(x.g, x.m, x.u, x.t, -1) from (
            select array_agg("group_id") as g, array_agg("member_id") as m,
              array_agg("member_user_id" is not null) as u, array_agg("tenant_id") as t from removed
          ) x;
          return null;
        end if;
        perform pg_advisory_xact_lock_shared(hashtextextended('membership-graph:' || t."tenant_id"::text, 0))
        from (select distinct "tenant_id" from removed order by 1) t;
        -- Each removed user is in its group and every group above it once less. The rows are locked
        -- in key order first (the order the adds write them in), so two writers cannot deadlock.
        with d as (
          select x.gid as "group_id", r."member_id", count(*)::int as k
          from removed r cross join lateral (
            select r."group_id" as gid
            union all
            select c."group_id" from "membership_closure" c where c."member_id" = r."group_id"
          ) x
          group by x.gid, r."member_id"
        ),
        l as materialized (
          select c."group_id", c."member_id", c."n" - d.k as "left"
          from "membership_closure" c join d on c."group_id" = d."group_id" and c."member_id" = d."member_id"
          order by c."group_id", c."member_id" for update of c
        ),
        kept as (
          update "membership_closure" c set "n" = l."left" from l
          where c."group_id" = l."group_id" and c."member_id" = l."member_id" and l."left" > 0
        )
        delete from "membership_closure" c using l
        where c."group_id" = l."group_id" and c."member_id" = l."member_id" and l."left" <= 0;
        return null;
      end
    $$;`);
    this.addSql(`create trigger "membership_closure_add" after insert on "membership"
      referencing new table as added for each statement execute function "cp_closure_added"();`);
    this.addSql(`create trigger "membership_closure_remove" after delete on "membership"
      referencing old table as removed for each statement execute function "cp_closure_removed"();`);

    // What exists today: every group with its members at every depth (~10 s for 100,000 users in
    // 3 levels on a busy 2-core machine, so not bound by the pool's statement timeout).
    this.addSql(`set local statement_timeout = 0;`);
    this.addSql(`select "cp_closure_recompute"(array(select "id" from "group"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "membership_closure_remove" on "membership";`);
    this.addSql(`drop trigger if exists "membership_closure_add" on "membership";`);
    this.addSql(`drop function if exists "cp_closure_removed"();`);
    this.addSql(`drop function if exists "cp_closure_added"();`);
    this.addSql(`drop function if exists "cp_closure_apply"(uuid[], uuid[], boolean[], uuid[], int);`);
    this.addSql(`drop function if exists "cp_closure_recompute"(uuid[]);`);
    this.addSql(`drop table if exists "membership_closure";`);
  }
}
