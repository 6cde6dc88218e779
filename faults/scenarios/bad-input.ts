import { BAD_INPUT_CASES, requestOf, type BadInputCase, type CaseTarget } from '../bad-input';
import { createApiKey, createTenant, scimHeaders, seedUsers, type Ctx, type Tenant } from '../context';
import { request, type Outcome } from '../http';
import { Tally, type Row } from '../report';
import { Verdict } from '../verdict';

/**
 * h: every case of the shared bad-input corpus (faults/bad-input.ts) against the running service,
 * on a tenant of its own with two users and a group. Placeholders in a case's path, headers and
 * body ({userId}, {groupId}) become that tenant's values; SCIM cases carry its SCIM token and
 * GraphQL cases an API key of it with every scope, unless a case says otherwise. A case fails when its status is not in `expect`, on any 5xx, reset or timeout; the row
 * also fails when the directory's data changed.
 */
export async function badInput(ctx: Ctx, cases: BadInputCase[] = BAD_INPUT_CASES): Promise<Row> {
  const started = performance.now();
  const tag = Date.now().toString(36);
  const tenant = await createTenant(ctx.service.url, ctx.serviceOptions.adminToken, `bad-input-${tag}`);
  const own: Ctx = { ...ctx, tenant };
  const [userId] = await seedUsers(own, `bad-${tag}`, 2);
  const group = await request(`${ctx.service.url}/scim/v2/${tenant.id}/Groups`, {
    method: 'POST',
    headers: scimHeaders(tenant.scimToken),
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: `Bad input ${tag}`,
      members: [{ value: userId }],
    }),
    timeoutMs: 15_000,
  });
  if (group.kind !== 'response' || group.status !== 201)
    throw new Error('bad-input setup: group create failed');
  const allKey = await createApiKey(ctx.service.url, ctx.serviceOptions.adminToken, tenant.id, [
    'DIRECTORY_READ',
    'DIRECTORY_WRITE',
    'TENANT_ADMIN',
  ]);
  // Where the corpus's cases go (its conventions are applied by requestOf, in faults/bad-input.ts).
  const target: CaseTarget = {
    scimBase: `${ctx.service.url}/scim/v2/${tenant.id}`,
    serviceUrl: ctx.service.url,
    scimToken: tenant.scimToken,
    apiKey: allKey,
    userId: userId!,
    groupId: (JSON.parse(group.body) as { id: string }).id,
  };
  const before = await fingerprint(ctx, tenant);
  const tally = new Tally();
  const wrong: string[] = [];
  const badBodies: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < cases.length && !ctx.aborted) {
        const c = cases[next++]!;
        const r = requestOf(c, target);
        const o = await request(r.url, {
          method: r.method,
          headers: r.headers,
          ...(r.body !== undefined ? { body: r.body } : {}),
          timeoutMs: 10_000,
        });
        tally.add(o);
        const ok = o.kind === 'response' && o.status < 500 && c.expect.includes(o.status);
        if (!ok)
          wrong.push(
            `"${c.name}" → ${o.kind === 'response' ? o.status : o.code} (expected ${c.expect.join('/')})`,
          );
        const shape = ok ? badErrorBody(c, o) : undefined;
        if (shape) badBodies.push(`"${c.name}" → ${shape}`);
      }
    }),
  );
  const after = await fingerprint(ctx, tenant);
  const changed = Object.keys(before).filter((k) => before[k] !== after[k]);
  const v = new Verdict()
    .fail(cases.length === 0, 'the corpus is empty (faults/bad-input.ts): nothing was tested')
    .fail(
      wrong.length > 0,
      `${wrong.length} cases answered unexpectedly: ${wrong.slice(0, 8).join('; ')}${wrong.length > 8 ? ' …' : ''}`,
    )
    .fail(
      badBodies.length > 0,
      `${badBodies.length} error bodies not as promised: ${badBodies.slice(0, 5).join('; ')}${badBodies.length > 5 ? ' …' : ''}`,
    )
    .fail(changed.length > 0, `data changed: ${changed.join(', ')}`)
    .fail(
      tally.s500 + tally.s503 + tally.other > 0,
      `${tally.s500 + tally.s503 + tally.other} answers ≥ 500 or odd`,
    )
    .fail(
      tally.resets + tally.timeouts + tally.socketErrors > 0,
      `${tally.resets} resets, ${tally.timeouts} timeouts`,
    );
  const row = v.row({
    id: 'h',
    name: 'bad-input corpus',
    seconds: (performance.now() - started) / 1000,
    statuses: tally,
    facts: {
      cases: cases.length,
      unexpected: wrong.length,
      'odd error bodies': badBodies.length,
      'data unchanged': changed.length === 0,
    },
  });
  if (wrong.length + badBodies.length > 0)
    ctx.log(`  unexpected answers and bodies:\n    ${[...wrong, ...badBodies].join('\n    ')}`);
  return row;
}

/**
 * The corpus's promise about error bodies: SCIM answers application/scim+json with an RFC 7644
 * §3.12 error whose `status` is the HTTP status; GraphQL answers JSON with a non-empty `errors`.
 */
function badErrorBody(c: BadInputCase, o: Outcome): string | undefined {
  if (o.kind !== 'response' || (c.transport === 'scim' && o.status < 400)) return undefined;
  let parsed: { status?: unknown; schemas?: unknown; errors?: unknown };
  try {
    parsed = JSON.parse(o.body) as typeof parsed;
  } catch {
    return 'not JSON';
  }
  if (c.transport === 'scim') {
    if (!String(o.headers['content-type'] ?? '').startsWith('application/scim+json'))
      return `content-type ${o.headers['content-type'] ?? 'none'}`;
    if (String(parsed.status) !== String(o.status)) return `body status ${String(parsed.status)}`;
    return undefined;
  }
  return Array.isArray(parsed.errors) && parsed.errors.length > 0 ? undefined : 'no errors array';
}

/** A digest of the bad-input tenant's data and row counts of the whole directory. */
async function fingerprint(ctx: Ctx, tenant: Tenant): Promise<Record<string, string>> {
  const [row] = await ctx.cluster.query<Record<string, string>>(
    `select
       (select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from tenant t) as tenants,
       (select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from app_user t where tenant_id = $1) as users,
       (select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from "group" t where tenant_id = $1) as groups,
       (select md5(coalesce(string_agg(t::text, '|' order by t.group_id, t.member_id), '')) from membership t where tenant_id = $1) as memberships,
       (select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from role t where tenant_id = $1) as roles,
       (select md5(coalesce(string_agg(t::text, '|' order by t.user_id, t.role_id), '')) from user_role t where tenant_id = $1) as user_roles,
       (select md5(coalesce(string_agg(t.id || ':' || coalesce(t.revoked_at::text, ''), '|' order by t.id), '')) from credential t) as credentials,
       (select count(*)::text from app_user) as all_users,
       (select count(*)::text from "group") as all_groups,
       (select count(*)::text from membership) as all_memberships,
       (select count(*)::text from audit_event) as audit_events`,
    [tenant.id],
  );
  return row!;
}
