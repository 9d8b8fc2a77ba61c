/**
 * Workspace packages resolve to their TypeScript source (the `source` export condition), so
 * no test needs a prebuild.
 */
export const sourceConditions = {
  resolve: { conditions: ['source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['source', 'node', 'import', 'default'], externalConditions: ['source'] } },
};
