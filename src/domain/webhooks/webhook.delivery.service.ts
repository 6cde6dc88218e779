import { randomUUID } from 'node:crypto';
import type { FeedPosition } from '../changes/change.types';
import type { DirectoryContext } from '../context';
import { DomainError } from '../errors';
import type { Page } from '../paging';
import { json, query, sql } from '../sql';
import { getWebhookEndpoint } from './webhook.endpoint.service';
import { announceWebhookQueued } from './webhook.events';
import type { WebhookAttempt, WebhookDelivery, WebhookDeliveryState } from './webhook.types';

/** At most this many events are queued again by one redeliverWebhooks call. */
export const MAX_REDELIVERY = 10_000;

const DELIVERY_COLUMNS = sql`d.id::text as id, d.endpoint_id, d.message_id, d.event_id::text as event_id, d.event_type,
  d.subject_key, d.state, d.attempts, d.next_attempt_at, d.last_status, d.last_error, d.redelivery_of::text as redelivery_of,
  d.created_at, d.finished_at`;

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

function toDelivery(r: Record<string, unknown>): WebhookDelivery {
  const state = r.state as WebhookDeliveryState;
  return {
    id: String(r.id),
    endpointId: String(r.endpoint_id),
    messageId: String(r.message_id),
    eventId: (r.event_id as string | null) ?? null,
    eventType: String(r.event_type),
    subjectKey: String(r.subject_key),
    state,
    attempts: Number(r.attempts),
    nextAttemptAt: state === 'pending' ? date(r.next_attempt_at) : null,
    lastStatus: (r.last_status as number | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    redeliveryOf: (r.redelivery_of as string | null) ?? null,
    createdAt: new Date(r.created_at as string),
    finishedAt: date(r.finished_at),
  };
}

function deliveryNotFound(): DomainError {
  return new DomainError('WEBHOOK_NOT_FOUND', 'No such webhook delivery in this tenant.');
}

const DIGITS = /^[0-9]{1,19}$/;

/** A page of an endpoint's deliveries, newest first (the cursor is the delivery id). */
export async function listWebhookDeliveries(
  ctx: DirectoryContext,
  endpointId: string,
  opts: { first: number; after?: string; state?: WebhookDeliveryState; withTotal?: boolean },
): Promise<Page<WebhookDelivery>> {
  await getWebhookEndpoint(ctx, endpointId);
  if (opts.after !== undefined && !DIGITS.test(opts.after))
    throw new DomainError('INVALID_CURSOR', 'The cursor is not a delivery of this endpoint.');
  const rows = await query(
    ctx.em,
    sql`select ${DELIVERY_COLUMNS} from webhook_delivery d
      where d.tenant_id = ${ctx.tenantId} and d.endpoint_id = ${endpointId}
      ${opts.after ? sql`and d.id < ${opts.after}::bigint` : sql.empty}
      ${opts.state ? sql`and d.state = ${opts.state}` : sql.empty}
      order by d.id desc limit ${opts.first + 1}`,
  );
  const items = rows.slice(0, opts.first).map(toDelivery);
  const [count] = opts.withTotal
    ? await query<{ n: number }>(
        ctx.em,
        sql`select count(*)::int as n from webhook_delivery d where d.tenant_id = ${ctx.tenantId}
          and d.endpoint_id = ${endpointId} ${opts.state ? sql`and d.state = ${opts.state}` : sql.empty}`,
      )
    : [];
  return {
    items,
    cursors: items.map((d) => d.id),
    hasNext: rows.length > opts.first,
    total: count?.n ?? null,
  };
}

/** One delivery of the tenant, or WEBHOOK_NOT_FOUND. */
export async function getWebhookDelivery(ctx: DirectoryContext, id: string): Promise<WebhookDelivery> {
  if (!DIGITS.test(id)) throw deliveryNotFound();
  const [row] = await query(
    ctx.em,
    sql`select ${DELIVERY_COLUMNS} from webhook_delivery d where d.tenant_id = ${ctx.tenantId} and d.id = ${id}::bigint`,
  );
  if (!row) throw deliveryNotFound();
  return toDelivery(row);
}

/** The attempts of deliveries (by id), oldest first: the delivery log. */
export async function listWebhookAttempts(
  ctx: DirectoryContext,
  deliveryIds: readonly string[],
): Promise<Map<string, WebhookAttempt[]>> {
  const rows = await query(
    ctx.em,
    sql`select a.id::text as id, a.delivery_id::text as delivery_id, a.attempted_at, a.status, a.latency_ms, a.error,
        a.response_excerpt from webhook_attempt a
      where a.tenant_id = ${ctx.tenantId} and a.delivery_id = any(${`{${deliveryIds.join(',')}}`}::bigint[])
      order by a.delivery_id, a.id`,
  );
  const byDelivery = new Map<string, WebhookAttempt[]>(deliveryIds.map((id) => [id, []]));
  for (const r of rows)
    byDelivery.get(String(r.delivery_id))?.push({
      id: String(r.id),
      attemptedAt: new Date(r.attempted_at as string),
      status: (r.status as number | null) ?? null,
      latencyMs: Number(r.latency_ms),
      error: (r.error as string | null) ?? null,
      responseExcerpt: (r.response_excerpt as string | null) ?? null,
    });
  return byDelivery;
}

/**
 * Queues a delivery's event again to its endpoint: a new delivery with the same webhook-id (the
 * receiver can tell it is the same message), behind the subject's deliveries already queued.
 */
export async function redeliverWebhook(ctx: DirectoryContext, deliveryId: string): Promise<WebhookDelivery> {
  if (!DIGITS.test(deliveryId)) throw deliveryNotFound();
  const [row] = await query(
    ctx.em,
    sql`insert into webhook_delivery (tenant_id, endpoint_id, message_id, event_id, event_type, subject_key, payload,
        is_test, redelivery_of)
      select tenant_id, endpoint_id, message_id, event_id, event_type, subject_key, payload, is_test, id
      from webhook_delivery where tenant_id = ${ctx.tenantId} and id = ${deliveryId}::bigint
      returning id::text as id`,
  );
  if (!row) throw deliveryNotFound();
  announceWebhookQueued();
  return getWebhookDelivery(ctx, String(row.id));
}

/** A range of the feed to send again: feed cursors, or times the events occurred. */
export interface RedeliveryRange {
  /** Events after this position (exclusive). */
  after?: FeedPosition;
  /** Events up to this position (inclusive). */
  until?: FeedPosition;
  /** Events that occurred at or after this time. */
  from?: Date;
  /** Events that occurred before this time. */
  to?: Date;
}

/**
 * Queues the endpoint's events of a feed range (those its event types select) as new deliveries,
 * in feed order, whether or not they were sent before (e.g. while the endpoint was disabled).
 * Returns how many were queued (at most MAX_REDELIVERY; narrow the range for more).
 */
export async function redeliverWebhooks(
  ctx: DirectoryContext,
  endpointId: string,
  range: RedeliveryRange,
): Promise<number> {
  await getWebhookEndpoint(ctx, endpointId);
  if (!range.after && !range.until && !range.from && !range.to)
    throw new DomainError('INVALID_INPUT', 'Name a range: after/until (feed cursors) or from/to (times).');
  const [row] = await query<{ n: number }>(
    ctx.em,
    sql`with ev as (
        select e.id, e.action, e.resource_type, e.resource_id from audit_event e, webhook_endpoint w
        where w.id = ${endpointId} and w.tenant_id = ${ctx.tenantId} and e.tenant_id = w.tenant_id
          and e.txid < pg_snapshot_xmin(pg_current_snapshot())
          and (cardinality(w.event_types) = 0 or e.action = any(w.event_types))
          ${range.after ? sql`and (e.txid, e.id) > (${range.after.txid}::xid8, ${range.after.id}::bigint)` : sql.empty}
          ${range.until ? sql`and (e.txid, e.id) <= (${range.until.txid}::xid8, ${range.until.id}::bigint)` : sql.empty}
          ${range.from ? sql`and e.created_at >= ${range.from}` : sql.empty}
          ${range.to ? sql`and e.created_at < ${range.to}` : sql.empty}
        order by e.txid, e.id limit ${MAX_REDELIVERY}),
      ins as (insert into webhook_delivery (tenant_id, endpoint_id, message_id, event_id, event_type, subject_key)
        select ${ctx.tenantId}, ${endpointId}, 'evt_' || ev.id, ev.id, ev.action, ev.resource_type || ':' || ev.resource_id
        from ev returning 1)
      select count(*)::int as n from ins`,
  );
  if ((row?.n ?? 0) > 0) announceWebhookQueued();
  return row?.n ?? 0;
}

/**
 * Queues a `webhook.test` event to the endpoint (even a disabled one): the same headers,
 * signature and body shape as a feed event, with the endpoint as its subject.
 */
export async function sendTestWebhook(ctx: DirectoryContext, endpointId: string): Promise<WebhookDelivery> {
  const endpoint = await getWebhookEndpoint(ctx, endpointId);
  const id = `test_${randomUUID()}`;
  const actor = ctx.actor;
  const payload = {
    id,
    type: 'webhook.test',
    occurredAt: new Date().toISOString(),
    actor: { kind: actor.kind, id: actor.id, name: actor.name ?? null },
    requestId: ctx.requestId,
    subject: { type: 'WebhookEndpoint', id: endpoint.id },
    data: { endpoint: { id: endpoint.id, url: endpoint.url, description: endpoint.description } },
    changes: null,
    cursor: null,
  };
  const [row] = await query(
    ctx.em,
    sql`insert into webhook_delivery (tenant_id, endpoint_id, message_id, event_type, subject_key, payload, is_test)
      values (${ctx.tenantId}, ${endpointId}, ${`evt_${id}`}, 'webhook.test', ${`WebhookEndpoint:${endpointId}`},
        ${json(payload)}::jsonb, true)
      returning id::text as id`,
  );
  announceWebhookQueued();
  return getWebhookDelivery(ctx, String(row!.id));
}
