import { Migration } from '@mikro-orm/migrations';

/**
 * Room on each page of `app_user` for the next version of a row (fillfactor 90), so an UPDATE that
 * changes no indexed column is a heap-only tuple: written on the same page, no index touched.
 * Entra's disable (`Replace active "False"`) is such an update; on full pages (fillfactor 100, as
 * users are created one after another) each went to another page and inserted into every index
 * (fourteen, a trigram GIN among them). Measured by hand on 20,000 users: 0.40 → 0.09 ms of
 * PostgreSQL per disable.
 *
 * Not `"group"`, though a member PATCH's version bump is such an update too: Entra's member PATCHes
 * version one group sixteen at a time while every membership row's foreign-key check reads that
 * group by its index, and versions kept on one page would form a chain those readers walk, which
 * pruning (it needs the page to itself) seldom gets to cut. The 20,000-user replay's member PATCHes took
 * 42–48 s with and without it, within the runs' spread, so the table keeps its default.
 *
 * Only pages written from now on keep the room: existing rows stay where they are until the table
 * is rewritten (VACUUM FULL), which this migration does not do (it would lock the table).
 */
export class Migration20261211030000_hot_updates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "app_user" set (fillfactor = 90);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "app_user" reset (fillfactor);`);
  }
}
