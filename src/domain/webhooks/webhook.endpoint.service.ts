import { randomUUID } from 'node:crypto';
import { auditInsert } from '../audit/audit';
import type { DirectoryContext } from '../context';
import { DomainError } from '../errors';
import { isUuid, pgArray, query, sql, type SqlFragment } from '../sql';
import { generateWebhookSecret } from './webhook.signing';
import { webhookUrlProblem } from './webhook.targets';
import type { WebhookDisabledReason, WebhookEndpoint } from './webhook.types';

/** What an administrator sets on an endpoint. */
export interface WebhookEndpointInput {
  url: string;
  description?: string;
  eventTypes?: readonly string[];
  enabled?: boolean;
}

/** Where webhooks may point (WEBHOOK_ALLOW_PRIVATE_TARGETS). */
export interface WebhookTargetPolicy {
  allowPrivate: boolean;
}

const MAX_ENDPOINTS_PER_TENANT = 20;
const EVENT_TYPE = /^[a-z_]+(\.[a-z_]+)+$/;
const HOUR_MS = 60 * 60 * 1000;

/** The columns every endpoint read selects (w is webhook_endpoint). */
export const ENDPOINT_COLUMNS = sql`w.id, w.tenant_id, w.url, w.description, w.event_types, w.enabled,
  w.previous_secret_until, w.failing_since, w.last_success_at, w.last_failure_at, w.disabled_at,
  w.disabled_reason, w.created_at, w.updated_at,
  (select count(*)::int from webhook_delivery d where d.endpoint_id = w.id and d.state = 'pending') as pending`;

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

/** An endpoint from a row with ENDPOINT_COLUMNS. */
export function toEndpoint(r: Record<string, unknown>): WebhookEndpoint {
  return {
    id: String(r.id),
    tenantId: String(r.tenant_id),
    url: String(r.url),
    description: String(r.description),
    eventTypes: (r.event_types as string[] | null) ?? [],
    enabled: r.enabled === true,
    previousSecretUntil: date(r.previous_secret_until),
    failingSince: date(r.failing_since),
    lastSuccessAt: date(r.last_success_at),
    lastFailureAt: date(r.last_failure_at),
    disabledAt: date(r.disabled_at),
    disabledReason: (r.disabled_reason as WebhookDisabledReason | null) ?? null,
    pendingDeliveries: Number(r.pending ?? 0),
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  };
}

function notFound(): DomainError {
  return new DomainError('WEBHOOK_NOT_FOUND', 'No such webhook endpoint in this tenant.');
}

function checkInput(input: Partial<WebhookEndpointInput>, policy: WebhookTargetPolicy): void {
  if (input.url !== undefined) {
    const problem = webhookUrlProblem(input.url, policy.allowPrivate);
    if (problem) throw new DomainError('INVALID_INPUT', `The webhook URL ${problem}.`, { field: 'url' });
  }
  if (input.description !== undefined && input.description.length > 500)
    throw new DomainError('INVALID_INPUT', 'The description is longer than 500 characters.');
  for (const t of input.eventTypes ?? [])
    if (!EVENT_TYPE.test(t) || t.length > 100)
      throw new DomainError('INVALID_INPUT', `"${t}" is not an event type (e.g. user.created).`);
}

/**
 * The feed event of a change to an endpoint, in the statement that makes it (`from` names the
 * CTE with the endpoint's row). The state carries no secret: an event is readable with read scope.
 */
function endpointEvent(
  ctx: DirectoryContext,
  action:
    | 'webhook.endpoint_created'
    | 'webhook.endpoint_updated'
    | 'webhook.endpoint_deleted'
    | 'webhook.secret_rotated',
  changedFields: readonly string[],
): SqlFragment {
  return auditInsert(
    ctx,
    {
      tenantId: ctx.tenantId,
      action,
      resourceType: 'WebhookEndpoint',
      resourceId: sql`x.id`,
      changedFields,
      data: sql`jsonb_build_object('id', x.id, 'url', x.url, 'description', x.description,
        'eventTypes', to_jsonb(x.event_types), 'enabled', x.enabled)`,
    },
    sql`from x`,
  );
}

/** One endpoint of the tenant, or WEBHOOK_NOT_FOUND. */
export async function getWebhookEndpoint(ctx: DirectoryContext, id: string): Promise<WebhookEndpoint> {
  if (!isUuid(id)) throw notFound();
  const [row] = await query(
    ctx.em,
    sql`select ${ENDPOINT_COLUMNS} from webhook_endpoint w where w.tenant_id = ${ctx.tenantId} and w.id = ${id}`,
  );
  if (!row) throw notFound();
  return toEndpoint(row);
}

/** The tenant's endpoints, oldest first, with their status. */
export async function listWebhookEndpoints(ctx: DirectoryContext): Promise<WebhookEndpoint[]> {
  const rows = await query(
    ctx.em,
    sql`select ${ENDPOINT_COLUMNS} from webhook_endpoint w where w.tenant_id = ${ctx.tenantId}
      order by w.created_at, w.id`,
  );
  return rows.map(toEndpoint);
}

/**
 * Creates an endpoint and returns it with its secret (shown this once). It receives the events
 * that become readable in the feed from now on.
 */
export async function createWebhookEndpoint(
  ctx: DirectoryContext,
  input: WebhookEndpointInput,
  policy: WebhookTargetPolicy,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  checkInput(input, policy);
  const secret = generateWebhookSecret();
  const id = randomUUID();
  const enabled = input.enabled ?? true;
  // The limit is checked in the insert's own statement; two racing creates may both pass, which
  // only lets the tenant go one over a soft limit.
  const rows = await query(
    ctx.em,
    sql`with x as (insert into webhook_endpoint (id, tenant_id, url, description, event_types, enabled, secret, cursor_txid,
        since_snapshot, disabled_at, disabled_reason)
      select ${id}, ${ctx.tenantId}, ${input.url}, ${input.description ?? ''}, ${pgArray(input.eventTypes ?? [])}::text[],
        ${enabled}, ${secret}, pg_snapshot_xmin(pg_current_snapshot()), pg_current_snapshot(),
        ${enabled ? null : new Date()}::timestamptz, ${enabled ? null : 'manual'}
      where (select count(*) from webhook_endpoint where tenant_id = ${ctx.tenantId}) < ${MAX_ENDPOINTS_PER_TENANT}
      returning *), a as (${endpointEvent(ctx, 'webhook.endpoint_created', ['*'])})
      select id from x`,
  );
  if (rows.length === 0)
    throw new DomainError(
      'INVALID_INPUT',
      `A tenant has at most ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints.`,
    );
  return { endpoint: await getWebhookEndpoint(ctx, id), secret };
}

/**
 * Changes an endpoint. Enabling a disabled one starts it at the feed's head (events while it was
 * disabled are not sent; redeliverWebhooks sends a range); disabling ends its pending deliveries.
 */
export async function updateWebhookEndpoint(
  ctx: DirectoryContext,
  id: string,
  input: Partial<WebhookEndpointInput>,
  policy: WebhookTargetPolicy,
): Promise<WebhookEndpoint> {
  checkInput(input, policy);
  if (!isUuid(id)) throw notFound();
  const sets: SqlFragment[] = [sql`updated_at = now()`];
  if (input.url !== undefined) sets.push(sql`url = ${input.url}`);
  if (input.description !== undefined) sets.push(sql`description = ${input.description}`);
  if (input.eventTypes !== undefined) sets.push(sql`event_types = ${pgArray(input.eventTypes)}::text[]`);
  if (input.enabled === true)
    sets.push(sql`enabled = true, disabled_at = null, disabled_reason = null, failing_since = null,
      cursor_txid = case when w.enabled then w.cursor_txid else pg_snapshot_xmin(pg_current_snapshot()) end,
      cursor_id = case when w.enabled then w.cursor_id else 0 end,
      since_snapshot = case when w.enabled then w.since_snapshot else pg_current_snapshot() end`);
  if (input.enabled === false)
    sets.push(sql`enabled = false, disabled_at = coalesce(w.disabled_at, now()),
      disabled_reason = coalesce(w.disabled_reason, 'manual')`);
  const cancel =
    input.enabled === false
      ? sql`, c as (update webhook_delivery set state = 'cancelled', finished_at = now(), lease_until = null
          where endpoint_id = ${id} and tenant_id = ${ctx.tenantId} and state = 'pending' and not is_test)`
      : sql.empty;
  const rows = await query(
    ctx.em,
    sql`with x as (update webhook_endpoint w set ${sql.join(sets, sql`, `)}
        where w.tenant_id = ${ctx.tenantId} and w.id = ${id} returning w.*)${cancel},
      a as (${endpointEvent(
        ctx,
        'webhook.endpoint_updated',
        Object.keys(input).filter((k) => input[k as keyof typeof input] !== undefined),
      )})
      select id from x`,
  );
  if (rows.length === 0) throw notFound();
  return getWebhookEndpoint(ctx, id);
}

/** Deletes an endpoint with its deliveries and their log. */
export async function deleteWebhookEndpoint(ctx: DirectoryContext, id: string): Promise<WebhookEndpoint> {
  const endpoint = await getWebhookEndpoint(ctx, id);
  await query(
    ctx.em,
    sql`with x as (delete from webhook_endpoint where tenant_id = ${ctx.tenantId} and id = ${id} returning *),
      a as (${endpointEvent(ctx, 'webhook.endpoint_deleted', [])})
      select id from x`,
  );
  return endpoint;
}

/**
 * Gives an endpoint a new secret (shown this once). The old one keeps signing too for
 * `overlapHours` (both signatures in webhook-signature), so the receiver can switch without loss.
 */
export async function rotateWebhookSecret(
  ctx: DirectoryContext,
  id: string,
  overlapHours: number,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  if (!Number.isFinite(overlapHours) || overlapHours < 0 || overlapHours > 168)
    throw new DomainError('INVALID_INPUT', 'overlapHours must be between 0 and 168.');
  if (!isUuid(id)) throw notFound();
  const secret = generateWebhookSecret();
  const until = new Date(Date.now() + overlapHours * HOUR_MS);
  const rows = await query(
    ctx.em,
    sql`with x as (update webhook_endpoint set previous_secret = ${overlapHours > 0 ? sql`secret` : sql`null`},
        previous_secret_until = ${overlapHours > 0 ? until : null}::timestamptz, secret = ${secret}, updated_at = now()
      where tenant_id = ${ctx.tenantId} and id = ${id} returning *),
      a as (${endpointEvent(ctx, 'webhook.secret_rotated', ['secret'])})
      select id from x`,
  );
  if (rows.length === 0) throw notFound();
  return { endpoint: await getWebhookEndpoint(ctx, id), secret };
}
