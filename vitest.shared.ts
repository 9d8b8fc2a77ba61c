import { defaultClientConditions, defaultServerConditions } from 'vite';

/**
 * Workspace packages resolve to their TypeScript source (the `source` export condition), so
 * no test needs a prebuild. Vite's own defaults stay after it: replacing them makes
 * dependencies such as `ws` resolve to the wrong entry.
 */
export const sourceConditions = {
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
};
