/** Why an endpoint stopped receiving deliveries. */
export type WebhookDisabledReason = 'manual' | 'gone' | 'failing';

/** A tenant's webhook endpoint as its administrators see it (never its secret). */
export interface WebhookEndpoint {
  id: string;
  tenantId: string;
  url: string;
  description: string;
  /** Event types delivered; empty means every type. */
  eventTypes: string[];
  enabled: boolean;
  /** Set while a rotated-out secret still signs too (both signatures are sent until then). */
  previousSecretUntil: Date | null;
  /** Since when every attempt has failed (none succeeded since); null when healthy. */
  failingSince: Date | null;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  disabledAt: Date | null;
  disabledReason: WebhookDisabledReason | null;
  /** Deliveries waiting to be sent (including retries). */
  pendingDeliveries: number;
  createdAt: Date;
  updatedAt: Date;
}

export type WebhookDeliveryState = 'pending' | 'delivered' | 'failed' | 'cancelled';

/** One event to send to one endpoint, with the outcome of its attempts so far. */
export interface WebhookDelivery {
  id: string;
  endpointId: string;
  /** The webhook-id header: the same for every attempt and every redelivery of the event. */
  messageId: string;
  /** The change feed event's id; null for a test event. */
  eventId: string | null;
  eventType: string;
  /** `<subject type>:<subject id>`: deliveries with the same key go out in feed order. */
  subjectKey: string;
  state: WebhookDeliveryState;
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  redeliveryOf: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** One HTTP attempt of a delivery. */
export interface WebhookAttempt {
  id: string;
  attemptedAt: Date;
  /** The HTTP status; null when no response came (refused target, timeout, connection error). */
  status: number | null;
  latencyMs: number;
  error: string | null;
  /** The start of the response body (at most WEBHOOK_RESPONSE_EXCERPT_BYTES). */
  responseExcerpt: string | null;
}

/** A signed request the dispatcher asks the transport to send. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What came of sending one request. */
export interface WebhookResponse {
  /** HTTP status, when a response arrived. */
  status?: number;
  /** The Retry-After header, as sent. */
  retryAfter?: string;
  /** The start of the body, decoded as UTF-8. */
  excerpt?: string;
  /** Why no usable response came (timeout, refused target, connection error). */
  error?: string;
  latencyMs: number;
}

/** The outbound HTTP client (src/http provides it; the domain knows no HTTP). */
export type WebhookTransport = (request: WebhookRequest) => Promise<WebhookResponse>;
