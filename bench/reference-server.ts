import http from 'node:http';
import Koa from 'koa';
import { Pool } from 'pg';

/**
 * The floor the SCIM service is compared with in the README: a Koa handler that makes one
 * prepared `pg` query and returns the row as JSON, nothing else (no routing, auth, mapping or
 * logging). Run by bench/run.ts as its own process; prints its port on stdout.
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 16 });
const app = new Koa();
app.use(async (ctx) => {
  const result = await pool.query({
    name: 'reference-user',
    text: 'select * from app_user where id = $1',
    values: [ctx.path.slice(1)],
  });
  ctx.type = 'application/scim+json';
  ctx.body = JSON.stringify(result.rows[0] ?? null);
});
const server = http.createServer(app.callback());
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(typeof address === 'object' && address ? address.port : 0);
});
// Nothing to drain: the bench has finished with it.
process.on('SIGTERM', () => process.exit(0));
