import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { Address, MultiValued, Source } from './user.types';

/** A person in a tenant's directory: the SCIM core User schema plus the enterprise extension. */
@Entity({ tableName: 'app_user' })
@Index({ properties: ['tenantId', 'externalId'] })
export class User {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  tenantId!: string;

  @Property({ type: 'text' })
  userName!: string;

  @Property({ type: 'text', nullable: true })
  externalId: string | null = null;

  @Property({ type: 'boolean' })
  active = true;

  @Property({ type: 'text', nullable: true })
  displayName: string | null = null;

  @Property({ type: 'text', nullable: true })
  nameFormatted: string | null = null;

  @Property({ type: 'text', nullable: true })
  familyName: string | null = null;

  @Property({ type: 'text', nullable: true })
  givenName: string | null = null;

  @Property({ type: 'text', nullable: true })
  middleName: string | null = null;

  @Property({ type: 'text', nullable: true })
  honorificPrefix: string | null = null;

  @Property({ type: 'text', nullable: true })
  honorificSuffix: string | null = null;

  @Property({ type: 'text', nullable: true })
  nickName: string | null = null;

  @Property({ type: 'text', nullable: true })
  profileUrl: string | null = null;

  @Property({ type: 'text', nullable: true })
  title: string | null = null;

  @Property({ type: 'text', nullable: true })
  userType: string | null = null;

  @Property({ type: 'text', nullable: true })
  preferredLanguage: string | null = null;

  @Property({ type: 'text', nullable: true })
  locale: string | null = null;

  @Property({ type: 'text', nullable: true })
  timezone: string | null = null;

  @Property({ type: 'json' })
  emails: MultiValued[] = [];

  @Property({ type: 'json' })
  phoneNumbers: MultiValued[] = [];

  @Property({ type: 'json' })
  addresses: Address[] = [];

  @Property({ type: 'json' })
  ims: MultiValued[] = [];

  @Property({ type: 'json' })
  photos: MultiValued[] = [];

  @Property({ type: 'json' })
  entitlements: MultiValued[] = [];

  @Property({ type: 'json', fieldName: 'x509_certificates' })
  x509Certificates: MultiValued[] = [];

  @Property({ type: 'text', nullable: true })
  employeeNumber: string | null = null;

  @Property({ type: 'text', nullable: true })
  costCenter: string | null = null;

  @Property({ type: 'text', nullable: true })
  organization: string | null = null;

  @Property({ type: 'text', nullable: true })
  division: string | null = null;

  @Property({ type: 'text', nullable: true })
  department: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  managerId: string | null = null;

  @Property({ type: 'text' })
  source!: Source;

  @Property({ type: 'integer' })
  version = 1;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();
}
