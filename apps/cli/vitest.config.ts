import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

export default defineProject({ ...sourceConditions, test: { name: 'cli', include: ['src/**/*.test.ts'], testTimeout: 30_000 } });
