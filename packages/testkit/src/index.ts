export { CHROMIUM_ARGS, CHROMIUM_PATH, CHROMIUM_SWIFTSHADER_ARGS, describeWithBrowser } from './browser.js';
export { describeWhenAvailable, describeWithServer, type ServerName, serverAvailable, serverUrls } from './servers.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { describeWithTool, type ToolRequirement, toolAvailable } from './tools.js';
export { uniqueName } from './unique-name.js';
export { waitFor } from './wait-for.js';
