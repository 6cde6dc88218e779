import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import type { ProvisioningActivityRecord } from '../../domain/provisioning/provisioning-activity.service';
import { connectionType } from '../common/connection';
import { ProvisioningLogEntry } from './provisioning-log.resolver';

export enum ProvisioningOutcome {
  SUCCESS = 'SUCCESS',
  FAILURE = 'FAILURE',
}
registerEnumType(ProvisioningOutcome, {
  name: 'ProvisioningOutcome',
  valuesConfig: {
    SUCCESS: { description: 'Answered with a status below 400.' },
    FAILURE: { description: 'Answered with a status of 400 or more.' },
  },
});

export enum ProvisioningOperation {
  CREATE = 'CREATE',
  UPDATE = 'UPDATE',
  DISABLE = 'DISABLE',
  DELETE = 'DELETE',
  READ = 'READ',
}
registerEnumType(ProvisioningOperation, {
  name: 'ProvisioningOperation',
  description: 'What a SCIM request did.',
  valuesConfig: {
    CREATE: { description: 'POST /Users or /Groups.' },
    UPDATE: { description: 'PUT or PATCH, other than a disable.' },
    DISABLE: { description: "PUT or PATCH of a user that sets active to false (Entra's soft delete)." },
    DELETE: { description: 'DELETE.' },
    READ: { description: 'GET, and POST …/.search.' },
  },
});

export enum ProvisioningResourceType {
  USER = 'USER',
  GROUP = 'GROUP',
}
registerEnumType(ProvisioningResourceType, { name: 'ProvisioningResourceType' });

@InputType({ description: 'Every given field must hold.' })
export class ProvisioningActivityFilter {
  @Field(() => Date, { nullable: true, description: 'At or after.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Strictly before.' })
  to?: Date | null;

  @Field(() => ProvisioningOutcome, { nullable: true })
  outcome?: ProvisioningOutcome | null;

  @Field(() => ProvisioningOperation, { nullable: true })
  operation?: ProvisioningOperation | null;

  @Field(() => ProvisioningResourceType, { nullable: true })
  resourceType?: ProvisioningResourceType | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The start of the userName or displayName of the resource the request touched (case-insensitive).',
  })
  search?: string | null;
}

@ObjectType({ description: 'One SCIM request from Entra, with what it did and to which resource.' })
export class ProvisioningActivityEntry extends ProvisioningLogEntry {
  @Field(() => ProvisioningOperation, {
    nullable: true,
    description: 'Null for entries written before activity was classified, and for other methods.',
  })
  operation!: ProvisioningOperation | null;

  @Field(() => ProvisioningResourceType, { nullable: true })
  resourceType!: ProvisioningResourceType | null;

  @Field(() => String, { nullable: true, description: 'The id of the user or group the request touched.' })
  resourceId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Its userName or displayName (a filter lookup: the name looked up).',
  })
  resourceName!: string | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'The request body; secrets removed, bodies over 16 kB replaced by { truncated, bytes, preview }.',
  })
  requestBody!: unknown;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The response body, redacted and truncated the same way; null when there was none.',
  })
  responseBody!: unknown;

  @Field(() => String, {
    nullable: true,
    description: 'Name of the SCIM token that sent the request; null when authentication failed.',
  })
  actor!: string | null;
}

export function toActivityEntry(r: ProvisioningActivityRecord): ProvisioningActivityEntry {
  return {
    ...r,
    warnings: [...r.warnings],
    requestBody: r.operations,
    operation: r.operation as ProvisioningOperation | null,
    resourceType: r.resourceType as ProvisioningResourceType | null,
  };
}

export const ProvisioningActivityConnection = connectionType<ProvisioningActivityEntry>(
  'ProvisioningActivity',
  () => ProvisioningActivityEntry,
  'SCIM requests',
);

export enum QuarantineRisk {
  NONE = 'NONE',
  APPROACHING = 'APPROACHING',
  LIKELY = 'LIKELY',
}
registerEnumType(QuarantineRisk, {
  name: 'QuarantineRisk',
  description:
    "How close Entra is to quarantining the provisioning job. Entra's rule: evaluated once there are 5,000 failures, it quarantines when failures exceed 40 % of requests.",
  valuesConfig: {
    NONE: { description: 'Failure rate at most 20 % and at most 2,500 failures in the last 24 h.' },
    APPROACHING: { description: 'Failure rate over 20 % or more than 2,500 failures in the last 24 h.' },
    LIKELY: { description: 'Failure rate over 40 % with at least 5,000 failures in the last 24 h.' },
  },
});

@ObjectType({ description: "The tenant's SCIM traffic and failures, from the provisioning log." })
export class ProvisioningHealth {
  @Field(() => Int)
  requestsLastHour!: number;

  @Field(() => Int, { description: 'Requests answered with status 400 or more.' })
  failuresLastHour!: number;

  @Field(() => Int)
  requestsLast24h!: number;

  @Field(() => Int)
  failuresLast24h!: number;

  @Field(() => Float, { description: 'failuresLast24h / requestsLast24h, from 0 to 1 (0 without requests).' })
  failureRate24h!: number;

  @Field(() => Date, { nullable: true })
  lastRequestAt!: Date | null;

  @Field({
    description:
      'A provisioning cycle is running: a request in the last 2 minutes and more than 20 in the last 10.',
  })
  cycleInProgress!: boolean;

  @Field(() => QuarantineRisk, {
    description:
      'Entra quarantines after 5,000 failures when failures exceed 40 % of requests: LIKELY when over 40 % with at least 5,000 failures in 24 h, APPROACHING when over 20 % or more than 2,500 failures, else NONE.',
  })
  quarantineRisk!: QuarantineRisk;
}

export enum ConnectionState {
  WAITING = 'WAITING',
  TEST_RECEIVED = 'TEST_RECEIVED',
  PROVISIONING = 'PROVISIONING',
}
registerEnumType(ConnectionState, {
  name: 'ConnectionState',
  valuesConfig: {
    WAITING: { description: 'Neither a Test Connection nor a write has arrived yet.' },
    TEST_RECEIVED: { description: "Entra's Test Connection arrived; no write yet." },
    PROVISIONING: { description: 'At least one write (create, update, disable, delete) arrived.' },
  },
});

@ObjectType({ description: 'Whether Entra has reached this tenant, and what it provisioned.' })
export class ProvisioningConnectionStatus {
  @Field(() => Date, {
    nullable: true,
    description:
      'Last Test Connection: GET /Users?filter=userName eq "<random GUID>" answered 200 with no results.',
  })
  testConnectionAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'First SCIM request in the log (within its retention).' })
  firstRequestAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastRequestAt!: Date | null;

  @Field(() => Int)
  userCount!: number;

  @Field(() => Int)
  groupCount!: number;

  @Field(() => ConnectionState)
  state!: ConnectionState;
}
