import { Migration } from '@mikro-orm/migrations';

/**
 * Membership at any past instant (ADR 0011). Every direct membership's validity interval
 * [valid_from, valid_to) is kept in `membership_interval`, written by statement-level triggers on
 * `membership`, so every path that adds or removes a member (SCIM, GraphQL, and the cascades when
 * a user or group is deleted) is recorded without the application writing it.
 *
 * - Times are transaction times (now()): the changes of one transaction happen at one instant. A
 *   member added and removed in one transaction was never observable and leaves no interval; one
 *   removed and re-added in one transaction keeps its interval open. Per (group, member) the
 *   intervals never overlap, even when transactions commit in another order than they began.
 * - The actor and request id come from transaction-local settings (`cpd.actor`,
 *   `cpd.request_id`) that the writing statement itself sets (membership.history.ts): no round trip.
 * - No foreign keys to users or groups: history outlives them. A deleted group's last row is kept
 *   in `membership_deleted_group` so past paths can still name it. The tenant's deletion takes both.
 * - The interval table has membership's column shape (member_user_id / member_group_id, generated
 *   member_id), so the recursive queries run unchanged over "the rows valid at T".
 */
export class Migration20261207040000_membership_history extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "membership_interval" (
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "group_id" uuid not null,
      "member_user_id" uuid null,
      "member_group_id" uuid null,
      "member_id" uuid generated always as (coalesce("member_user_id", "member_group_id")) stored,
      "valid_from" timestamptz not null,
      "valid_to" timestamptz null,
      "added_by" text null,
      "added_request_id" text null,
      "removed_by" text null,
      "removed_request_id" text null,
      constraint "membership_interval_one_member" check (("member_user_id" is null) <> ("member_group_id" is null)),
      constraint "membership_interval_not_empty" check ("valid_to" is null or "valid_to" > "valid_from")
    );`);
    // A group's members at T, paged by member id; also the (group, member) lookups of the triggers.
    this.addSql(
      `create index "membership_interval_group_index" on "membership_interval" ("group_id", "member_id", "valid_from");`,
    );
    // A member's groups at T (the first step of every upward walk).
    this.addSql(
      `create index "membership_interval_member_index" on "membership_interval" ("member_id", "valid_from") include ("group_id", "valid_to");`,
    );
    // Nesting edges at T, upward and downward; only group members pay for these two.
    this.addSql(
      `create index "membership_interval_member_group_index" on "membership_interval" ("member_group_id", "valid_from") include ("group_id", "valid_to") where "member_group_id" is not null;`,
    );
    this.addSql(
      `create index "membership_interval_nested_index" on "membership_interval" ("group_id", "valid_from") include ("member_group_id", "valid_to") where "member_group_id" is not null;`,
    );

    this.addSql(`create table "membership_deleted_group" (
      "id" uuid primary key,
      "tenant_id" uuid not null references "tenant" ("id") on delete cascade,
      "row" jsonb not null,
      "deleted_at" timestamptz not null
    );`);

    this.addSql(`create function "cp_membership_opened"() returns trigger language plpgsql as $$
      begin
        -- Removed earlier in this transaction (or by one that began later and committed first):
        -- the member was never absent at any instant this history can name, so reopen.
        with reopened as (
          update "membership_interval" i
          set "valid_to" = null, "removed_by" = null, "removed_request_id" = null
          from added a
          where i."group_id" = a."group_id" and i."member_id" = a."member_id" and i."valid_to" >= now()
          returning i."group_id", i."member_id"
        )
        insert into "membership_interval" ("tenant_id", "group_id", "member_user_id", "member_group_id", "valid_from", "added_by", "added_request_id")
        select a."tenant_id", a."group_id", a."member_user_id", a."member_group_id", now(),
          nullif(current_setting('cpd.actor', true), ''), nullif(current_setting('cpd.request_id', true), '')
        from added a
        where not exists (select 1 from reopened r where r."group_id" = a."group_id" and r."member_id" = a."member_id");
        return null;
      end
    $$;`);
    this.addSql(`create function "cp_membership_closed"() returns trigger language plpgsql as $$
      begin
        -- Opened in this transaction (or, out of order, after it began): never observable, not kept.
        delete from "membership_interval" i using removed r
        where i."group_id" = r."group_id" and i."member_id" = r."member_id" and i."valid_to" is null
          and i."valid_from" >= now();
        update "membership_interval" i
        set "valid_to" = now(), "removed_by" = nullif(current_setting('cpd.actor', true), ''),
          "removed_request_id" = nullif(current_setting('cpd.request_id', true), '')
        from removed r
        where i."group_id" = r."group_id" and i."member_id" = r."member_id" and i."valid_to" is null;
        return null;
      end
    $$;`);
    this.addSql(`create trigger "membership_interval_open" after insert on "membership"
      referencing new table as added for each statement execute function "cp_membership_opened"();`);
    this.addSql(`create trigger "membership_interval_close" after delete on "membership"
      referencing old table as removed for each statement execute function "cp_membership_closed"();`);

    // A tenant's deletion cascades to its groups: nothing to keep then (the tenant row is gone).
    this.addSql(`create function "cp_membership_group_deleted"() returns trigger language plpgsql as $$
      begin
        insert into "membership_deleted_group" ("id", "tenant_id", "row", "deleted_at")
        select d."id", d."tenant_id", to_jsonb(d), now() from gone d
        where exists (select 1 from "tenant" t where t."id" = d."tenant_id")
        on conflict ("id") do update set "row" = excluded."row", "deleted_at" = excluded."deleted_at";
        return null;
      end
    $$;`);
    this.addSql(`create trigger "membership_deleted_group_keep" after delete on "group"
      referencing old table as gone for each statement execute function "cp_membership_group_deleted"();`);

    // What exists today has been a membership since its row was created; who added it is unknown.
    this
      .addSql(`insert into "membership_interval" ("tenant_id", "group_id", "member_user_id", "member_group_id", "valid_from")
      select "tenant_id", "group_id", "member_user_id", "member_group_id", "created_at" from "membership";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "membership_deleted_group_keep" on "group";`);
    this.addSql(`drop trigger if exists "membership_interval_close" on "membership";`);
    this.addSql(`drop trigger if exists "membership_interval_open" on "membership";`);
    this.addSql(`drop function if exists "cp_membership_group_deleted"();`);
    this.addSql(`drop function if exists "cp_membership_closed"();`);
    this.addSql(`drop function if exists "cp_membership_opened"();`);
    this.addSql(`drop table if exists "membership_deleted_group";`);
    this.addSql(`drop table if exists "membership_interval";`);
  }
}
