import { AuditEvent } from './audit/audit-event.entity';
import { Credential } from './credentials/credential.entity';
import { Group } from './groups/group.entity';
import { Membership } from './memberships/membership.entity';
import { ProvisioningLogEntry } from './provisioning/provisioning-log.entity';
import { Role, UserRole } from './roles/role.entity';
import { Tenant } from './tenants/tenant.entity';
import { User } from './users/user.entity';

/** Every persisted entity, registered explicitly (no folder scanning, same under tsc and jest). */
export const entities = [
  Tenant,
  User,
  Group,
  Membership,
  Role,
  UserRole,
  Credential,
  AuditEvent,
  ProvisioningLogEntry,
];
