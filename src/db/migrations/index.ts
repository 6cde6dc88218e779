import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126000000_initial } from './Migration20261126000000_initial';
import { Migration20261126010000_provisioning_log } from './Migration20261126010000_provisioning_log';
import { Migration20261126020000_membership_nesting_index } from './Migration20261126020000_membership_nesting_index';
import { Migration20261126030000_credential_prefix_index } from './Migration20261126030000_credential_prefix_index';
import { Migration20261207010000_console_sessions } from './Migration20261207010000_console_sessions';
import { Migration20261207020000_provisioning_activity } from './Migration20261207020000_provisioning_activity';
import { Migration20261207030000_change_feed } from './Migration20261207030000_change_feed';
import { Migration20261207040000_membership_history } from './Migration20261207040000_membership_history';
import { Migration20261207050000_restorable_deletes } from './Migration20261207050000_restorable_deletes';
import { Migration20261208010000_webhooks } from './Migration20261208010000_webhooks';
import { Migration20261209010000_membership_closure } from './Migration20261209010000_membership_closure';
import { Migration20261209020000_tenant_lifecycle } from './Migration20261209020000_tenant_lifecycle';
import { Migration20261210010000_search_indexes } from './Migration20261210010000_search_indexes';
import { Migration20261210020000_paging } from './Migration20261210020000_paging';
import { Migration20261211010000_closure_nesting_plan } from './Migration20261211010000_closure_nesting_plan';
import { Migration20261211020000_membership_user_index } from './Migration20261211020000_membership_user_index';
import { Migration20261211030000_hot_updates } from './Migration20261211030000_hot_updates';
import { Migration20261211040000_search_statistics } from './Migration20261211040000_search_statistics';

/** Every migration, in order. Add new ones here. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261126000000_initial', class: Migration20261126000000_initial },
  { name: 'Migration20261126010000_provisioning_log', class: Migration20261126010000_provisioning_log },
  {
    name: 'Migration20261126020000_membership_nesting_index',
    class: Migration20261126020000_membership_nesting_index,
  },
  {
    name: 'Migration20261126030000_credential_prefix_index',
    class: Migration20261126030000_credential_prefix_index,
  },
  { name: 'Migration20261207010000_console_sessions', class: Migration20261207010000_console_sessions },
  {
    name: 'Migration20261207020000_provisioning_activity',
    class: Migration20261207020000_provisioning_activity,
  },
  { name: 'Migration20261207030000_change_feed', class: Migration20261207030000_change_feed },
  { name: 'Migration20261207040000_membership_history', class: Migration20261207040000_membership_history },
  { name: 'Migration20261207050000_restorable_deletes', class: Migration20261207050000_restorable_deletes },
  { name: 'Migration20261208010000_webhooks', class: Migration20261208010000_webhooks },
  {
    name: 'Migration20261209010000_membership_closure',
    class: Migration20261209010000_membership_closure,
  },
  { name: 'Migration20261209020000_tenant_lifecycle', class: Migration20261209020000_tenant_lifecycle },
  { name: 'Migration20261210010000_search_indexes', class: Migration20261210010000_search_indexes },
  { name: 'Migration20261210020000_paging', class: Migration20261210020000_paging },
  {
    name: 'Migration20261211010000_closure_nesting_plan',
    class: Migration20261211010000_closure_nesting_plan,
  },
  {
    name: 'Migration20261211020000_membership_user_index',
    class: Migration20261211020000_membership_user_index,
  },
  { name: 'Migration20261211030000_hot_updates', class: Migration20261211030000_hot_updates },
  {
    name: 'Migration20261211040000_search_statistics',
    class: Migration20261211040000_search_statistics,
  },
];
