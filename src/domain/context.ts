import type { EntityManager } from '@mikro-orm/postgresql';

/** Who is acting: recorded on every audit event. */
export interface Actor {
  readonly kind: 'operator' | 'scim' | 'apiKey' | 'jwt' | 'session' | 'system';
  /** Credential id, JWT subject, console session id, or "operator"/"system". Never a secret. */
  readonly id: string;
  /** A name a person recognises (the SCIM token's or API key's name), recorded with each change event. */
  readonly name?: string;
}

/** The subset of a structured logger the domain uses (pino satisfies it). */
export interface DomainLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A request's context without a tenant: operator actions (tenant management). */
export interface OperatorContext {
  readonly actor: Actor;
  readonly em: EntityManager;
  readonly requestId: string;
  readonly log: DomainLogger;
  /**
   * Told the tenant of every change event the context's writes record (auditInsert), so the
   * transport can announce the tenant's new events once the request's transactions have committed.
   * Absent for background work; followers also poll, so an unannounced event is still read.
   */
  readonly noteChange?: (tenantId: string) => void;
}

/** A request's context inside one tenant. Every domain service takes it first. */
export interface DirectoryContext extends OperatorContext {
  readonly tenantId: string;
  /** Non-fatal problems met while serving the request (e.g. skipped unknown member ids), for the provisioning log. */
  readonly warnings: string[];
}

/**
 * The database session transports pass around without depending on the ORM. The domain only runs
 * SQL through it (`query`, `inTransaction`) and never uses its identity map, so one session may
 * serve many requests at once; `inTransaction` forks it to hold a transaction.
 */
export type DbSession = EntityManager;
