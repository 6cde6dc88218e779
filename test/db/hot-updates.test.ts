import { createTestDatabase, type TestDatabase } from '../support/db';
import { buildTenant } from '../support/factories';
import { setUserActive } from '../../src/domain/users/user.service';
import { query, sql } from '../../src/domain/sql';
import type { DirectoryContext } from '../../src/domain/context';

// app_user keeps room on each page (fillfactor 90), so an update that changes no indexed column
// stays on its page as a heap-only tuple and touches no index: Entra's disable.
let db: TestDatabase;
let ctx: DirectoryContext;
beforeAll(async () => {
  db = await createTestDatabase();
  ctx = (await buildTenant(db)).ctx;
});
afterAll(() => db.drop());

/** The heap page a row is on. */
const BLOCK = sql`(ctid::text::point)[0]::bigint::text as block`;
const userBlock = async (id: string) =>
  (await query<{ block: string }>(db.em(), sql`select ${BLOCK} from app_user where id = ${id}`))[0]!.block;

describe('updates that change no indexed column stay on their page', () => {
  it("a user's disable, on a page filled by the users created after it", async () => {
    // Users as Entra creates them, one after another: they fill the first pages.
    await query(
      db.em(),
      sql`insert into app_user (id, tenant_id, user_name, display_name, given_name, family_name, title, department, source, emails)
       select gen_random_uuid(), ${ctx.tenantId}, 'u' || g || '@x.test', 'User ' || g, 'Given ' || g, 'Family ' || g, 'Title ' || g, 'Dept ' || g, 'SCIM',
         jsonb_build_array(jsonb_build_object('value', 'u' || g || '@x.test', 'type', 'work'))
       from generate_series(1, 400) g`,
    );
    const [first] = await query<{ id: string; pages: string }>(
      db.em(),
      sql`select id, (select count(distinct (ctid::text::point)[0]) from app_user)::text as pages
       from app_user where tenant_id = ${ctx.tenantId} order by ctid limit 1`,
    );
    expect(Number(first!.pages)).toBeGreaterThan(2);
    const before = await userBlock(first!.id);
    await setUserActive(ctx, first!.id, false);
    expect(await userBlock(first!.id)).toBe(before);
  });
});
