import { describeWithServer } from '@zcp/testkit';
import { migratedPostgresStore } from '../../test-support/migrated-stores.js';
import { ledgerContract } from './ledger-contract.js';

await describeWithServer(['postgres'], 'carbon ledger (real PostgreSQL)', () => {
  ledgerContract('postgres', () => migratedPostgresStore('zcp_relay_ledger'));
});
