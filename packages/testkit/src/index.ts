export { describeWithServer, type ServerName, serverAvailable, serverUrls } from './servers.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { uniqueName } from './unique-name.js';
export { waitFor } from './wait-for.js';
