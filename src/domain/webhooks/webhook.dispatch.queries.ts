import { auditInsert } from '../audit/audit';
import { toChange } from '../changes/change.queries';
import type { DbSession, OperatorContext } from '../context';
import { query, sql } from '../sql';
import type { WebhookDeliveryState, WebhookDisabledReason } from './webhook.types';

/** A delivery a dispatcher holds the lease of, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  tenantId: string;
  endpointId: string;
  url: string;
  /** The current secret first, then a rotated-out one still within its overlap. */
  secrets: string[];
  messageId: string;
  isTest: boolean;
  /** This attempt's number (1 for the first). */
  attempt: number;
  /** The JSON body: the event as the GraphQL `changes` connection shows it. */
  body: string;
  leaseToken: string;
}

/**
 * Moves the settled feed events behind each enabled endpoint's cursor into deliveries (those its
 * event types select) and advances the cursor, in one statement. Endpoints are locked with SKIP
 * LOCKED, so concurrent dispatchers work on different endpoints and an event becomes one delivery
 * per endpoint. Deliveries are inserted in feed order, so their ids keep it. Returns how many
 * deliveries were queued, and how many endpoints have events still held back behind an open
 * transaction (look again soon: no notice comes when it ends).
 */
export async function fanOut(
  em: DbSession,
  opts: { endpoints: number; events: number },
): Promise<{ queued: number; held: number; busy: number }> {
  const [row] = await query<{ queued: number; endpoints: number; advanced: number; full: number }>(
    em,
    sql`with ep as (
        select w.id, w.tenant_id, w.event_types, w.cursor_txid, w.cursor_id, w.since_snapshot from webhook_endpoint w
        where w.enabled and exists (select 1 from audit_event e where e.tenant_id = w.tenant_id
          and (e.txid, e.id) > (w.cursor_txid, w.cursor_id))
        limit ${opts.endpoints} for update of w skip locked),
      ev as (
        select ep.id as endpoint_id, ep.tenant_id, ep.event_types, ep.since_snapshot, e.id, e.txid, e.action, e.resource_type, e.resource_id,
          row_number() over (partition by ep.id order by e.txid desc, e.id desc) as back,
          count(*) over (partition by ep.id) as n
        from ep cross join lateral (
          select e.id, e.txid, e.action, e.resource_type, e.resource_id from audit_event e
          where e.tenant_id = ep.tenant_id and (e.txid, e.id) > (ep.cursor_txid, ep.cursor_id)
            and e.txid < pg_snapshot_xmin(pg_current_snapshot())
          order by e.txid, e.id limit ${opts.events}) e),
      ins as (
        insert into webhook_delivery (tenant_id, endpoint_id, message_id, event_id, event_type, subject_key)
        select tenant_id, endpoint_id, 'evt_' || id, id, action, resource_type || ':' || resource_id from ev
        where (cardinality(event_types) = 0 or action = any(event_types))
          -- The cursor starts at the horizon, which an old open transaction anywhere in the cluster
          -- can hold back: events already committed when the endpoint was made (or re-enabled) are
          -- passed over, not sent.
          and (since_snapshot is null or not pg_visible_in_snapshot(txid, since_snapshot))
          -- An endpoint is not told about itself (its own creation, edits, secret rotations).
          and not (resource_type = 'WebhookEndpoint' and resource_id = endpoint_id::text)
        order by endpoint_id, txid, id
        returning 1),
      adv as (
        update webhook_endpoint w set cursor_txid = ev.txid, cursor_id = ev.id
        from ev where ev.back = 1 and w.id = ev.endpoint_id
        returning 1)
      select (select count(*)::int from ins) as queued, (select count(*)::int from ep) as endpoints,
        (select count(*)::int from adv) as advanced,
        (select count(*)::int from ev where back = 1 and n >= ${opts.events}) as full`,
  );
  const r = row ?? { queued: 0, endpoints: 0, advanced: 0, full: 0 };
  return { queued: r.queued, held: r.endpoints - r.advanced, busy: r.full };
}

/**
 * Leases up to `limit` due deliveries for `leaseMs`. A delivery is due when its time has come,
 * its endpoint is enabled (test events go to disabled ones too) and no earlier delivery for the
 * same endpoint and subject is still pending: that is the ordering guarantee. SKIP LOCKED keeps
 * concurrent dispatchers from taking the same delivery; the lease keeps them off it while it is
 * being sent, and lets another take it if this process dies.
 */
export async function claimDeliveries(
  em: DbSession,
  opts: { limit: number; leaseMs: number; token: string },
): Promise<ClaimedDelivery[]> {
  const rows = await query(
    em,
    sql`with c as (
        select d.id from webhook_delivery d join webhook_endpoint w on w.id = d.endpoint_id
        where d.state = 'pending' and d.next_attempt_at <= now()
          and (d.lease_until is null or d.lease_until < now())
          and (w.enabled or d.is_test)
          and not exists (select 1 from webhook_delivery p where p.endpoint_id = d.endpoint_id
            and p.subject_key = d.subject_key and p.state = 'pending' and p.id < d.id)
        order by d.next_attempt_at, d.id limit ${opts.limit}
        for update of d skip locked),
      u as (
        update webhook_delivery d set lease_until = now() + ${opts.leaseMs} * interval '1 millisecond',
          lease_token = ${opts.token}, attempts = d.attempts + 1
        from c where d.id = c.id
        returning d.id, d.tenant_id, d.endpoint_id, d.message_id, d.event_id, d.payload, d.is_test, d.attempts)
      select u.id::text as id, u.tenant_id, u.endpoint_id, u.message_id, u.payload, u.is_test, u.attempts,
        w.url, w.secret, case when w.previous_secret_until > now() then w.previous_secret end as previous_secret,
        e.id::text as e_id, e.txid::text as e_txid, e.action as e_action, e.resource_type as e_resource_type,
        e.resource_id as e_resource_id, e.actor as e_actor, e.actor_name as e_actor_name,
        e.request_id as e_request_id, e.data as e_data, e.changes as e_changes, e.created_at as e_created_at
      from u join webhook_endpoint w on w.id = u.endpoint_id
        left join audit_event e on e.id = u.event_id
      order by u.id`,
  );
  return rows.map((r) => {
    const event =
      r.e_id === null || r.e_id === undefined
        ? (r.payload ?? { id: r.message_id, type: 'webhook.unavailable' })
        : toChange(
            Object.fromEntries(
              Object.entries(r)
                .filter(([k]) => k.startsWith('e_'))
                .map(([k, v]) => [k.slice(2), v]),
            ),
          );
    return {
      id: String(r.id),
      tenantId: String(r.tenant_id),
      endpointId: String(r.endpoint_id),
      url: String(r.url),
      secrets: [String(r.secret), ...(r.previous_secret ? [String(r.previous_secret)] : [])],
      messageId: String(r.message_id),
      isTest: r.is_test === true,
      attempt: Number(r.attempts),
      body: JSON.stringify(event),
      leaseToken: opts.token,
    };
  });
}

/** The outcome of one attempt, as the dispatcher decided it. */
export interface AttemptRecord {
  attemptedAt: Date;
  status: number | null;
  latencyMs: number;
  error: string | null;
  excerpt: string | null;
  ok: boolean;
  /** pending (with nextAttemptAt), delivered or failed. */
  state: WebhookDeliveryState;
  nextAttemptAt: Date | null;
}

/**
 * Logs an attempt, settles the delivery (only while this dispatcher still holds its lease) and
 * updates the endpoint's health; test events leave the health alone. Returns since when the
 * endpoint has been failing (null when healthy or unknown).
 */
export async function recordAttempt(
  em: DbSession,
  d: ClaimedDelivery,
  a: AttemptRecord,
): Promise<{ failingSince: Date | null }> {
  const [row] = await query<{ failing_since: string | null }>(
    em,
    sql`with a as (
        insert into webhook_attempt (tenant_id, delivery_id, attempted_at, status, latency_ms, error, response_excerpt)
        values (${d.tenantId}, ${d.id}::bigint, ${a.attemptedAt}, ${a.status}, ${a.latencyMs}, ${a.error}, ${a.excerpt})),
      s as (
        update webhook_delivery set state = ${a.state}, next_attempt_at = coalesce(${a.nextAttemptAt}::timestamptz, next_attempt_at),
          lease_until = null, lease_token = null, last_status = ${a.status}, last_error = ${a.error},
          finished_at = case when ${a.state} = 'pending' then null else now() end
        where id = ${d.id}::bigint and lease_token = ${d.leaseToken})
      update webhook_endpoint w set
        last_success_at = case when ${a.ok} then now() else w.last_success_at end,
        last_failure_at = case when ${a.ok} then w.last_failure_at else now() end,
        failing_since = case when ${a.ok} then null else coalesce(w.failing_since, ${a.attemptedAt}) end
      where w.id = ${d.endpointId} and not ${d.isTest}
      returning w.failing_since`,
  );
  return { failingSince: row?.failing_since ? new Date(row.failing_since) : null };
}

/**
 * Disables an endpoint (HTTP 410, or failing for too long), ends its pending deliveries and
 * writes a `webhook.endpoint_disabled` event to the tenant's feed, all in one statement; nothing
 * when it is already disabled. Returns whether this call disabled it.
 */
export async function disableEndpoint(
  ctx: OperatorContext,
  tenantId: string,
  endpointId: string,
  reason: WebhookDisabledReason,
): Promise<boolean> {
  const event = auditInsert(
    ctx,
    {
      tenantId,
      action: 'webhook.endpoint_disabled',
      resourceType: 'WebhookEndpoint',
      resourceId: sql`u.id`,
      changedFields: ['enabled'],
      data: sql`jsonb_build_object('id', u.id, 'url', u.url, 'description', u.description, 'eventTypes', u.event_types,
        'enabled', false, 'disabledReason', u.disabled_reason, 'failingSince', u.failing_since)`,
    },
    sql`from u`,
  );
  const rows = await query(
    ctx.em,
    sql`with u as (
        update webhook_endpoint set enabled = false, disabled_at = now(), disabled_reason = ${reason}, updated_at = now()
        where id = ${endpointId} and tenant_id = ${tenantId} and enabled
        returning id, url, description, event_types, disabled_reason, failing_since),
      c as (
        update webhook_delivery set state = 'cancelled', finished_at = now(), lease_until = null
        where endpoint_id in (select id from u) and state = 'pending' and not is_test),
      ev as (${event} returning 1)
      select id from u`,
  );
  return rows.length > 0;
}

/**
 * When a pending delivery next falls due or a lease runs out (null when nothing is scheduled).
 * Deliveries already due but waiting behind another are left out: the one they wait for is
 * scheduled itself, or being sent.
 */
export async function nextDueAt(em: DbSession): Promise<Date | null> {
  const [row] = await query<{ at: string | null }>(
    em,
    sql`select min(case when lease_until > now() then lease_until else next_attempt_at end) as at
      from webhook_delivery where state = 'pending' and (next_attempt_at > now() or lease_until > now())`,
  );
  return row?.at ? new Date(row.at) : null;
}
