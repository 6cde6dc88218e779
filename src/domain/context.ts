import type { EntityManager } from '@mikro-orm/postgresql';

/** Who is acting: recorded on every audit event. */
export interface Actor {
  readonly kind: 'operator' | 'scim' | 'apiKey' | 'jwt' | 'system';
  /** Credential id, JWT subject, or "operator"/"system". Never a secret. */
  readonly id: string;
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
}

/** A request's context inside one tenant. Every domain service takes it first. */
export interface DirectoryContext extends OperatorContext {
  readonly tenantId: string;
  /** Non-fatal problems met while serving the request (e.g. skipped unknown member ids), for the provisioning log. */
  readonly warnings: string[];
}

/** The unit-of-work handle transports pass around without depending on the ORM. */
export type DbSession = EntityManager;
