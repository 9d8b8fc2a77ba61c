import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

// Pure modules only (colour scale, coordinates, KPIs, delta application): node environment.
export default defineProject({ ...sourceConditions, test: { name: 'web', include: ['src/**/*.test.ts'], environment: 'node' } });
