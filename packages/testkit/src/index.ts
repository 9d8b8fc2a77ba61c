export { serverUrls, serverAvailable, describeWithServer, type ServerName } from './servers.js';
export { uniqueName } from './unique-name.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { waitFor } from './wait-for.js';
