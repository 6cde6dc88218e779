import { Migration } from '@mikro-orm/migrations';

/**
 * Room on each page of `app_user` and `"group"` for the next version of a row (fillfactor 90), so
 * an UPDATE that changes no indexed column is a heap-only tuple: written on the same page, no
 * index touched. Entra's disable (`Replace active "False"`) and every member PATCH's group version
 * are such updates; on full pages (fillfactor 100, as users are created one after another) each
 * went to another page and inserted into every index (fourteen on app_user, a trigram GIN among
 * them). Measured by hand on 20,000 users: 0.40 → 0.09 ms of PostgreSQL per disable.
 *
 * Only pages written from now on keep the room: existing rows stay where they are until the table
 * is rewritten (VACUUM FULL), which this migration does not do (it would lock the table).
 */
export class Migration20261211030000_hot_updates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "app_user" set (fillfactor = 90);`);
    this.addSql(`alter table "group" set (fillfactor = 90);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "app_user" reset (fillfactor);`);
    this.addSql(`alter table "group" reset (fillfactor);`);
  }
}
