import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126000000_initial } from './Migration20261126000000_initial';

/** Every migration, in order. Add new ones here. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261126000000_initial', class: Migration20261126000000_initial },
];
