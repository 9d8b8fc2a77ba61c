/**
 * The HTTP API's OpenAPI 3.1 document. A test checks that every route the app registers is
 * documented here and the other way round, so the two cannot drift apart.
 */
const problem = { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const json = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });
const parkIdParam = { name: 'parkId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } };

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Zero-carbon park twin — relay API',
    version: '0.1.0',
    description: 'Park model, live state and history. Errors are problem+json with a stable `code`.',
  },
  paths: {
    '/healthz': { get: { summary: 'Liveness', responses: { 200: json('Alive', { type: 'object' }) } } },
    '/readyz': { get: { summary: 'Readiness: database and bus reachable', responses: { 200: json('Ready', { type: 'object' }), 503: problem } } },
    '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': {} } } } } },
    '/api/openapi.json': { get: { summary: 'This document', responses: { 200: json('OpenAPI document', { type: 'object' }) } } },
    '/api/parks': {
      get: {
        summary: 'Parks served by this relay',
        responses: { 200: json('Park summaries', { type: 'array', items: { $ref: '#/components/schemas/ParkSummary' } }) },
      },
    },
    '/api/parks/{parkId}': {
      get: {
        summary: 'A park model: enterprises, buildings, assets, points',
        parameters: [parkIdParam],
        responses: { 200: json('Park', { $ref: '#/components/schemas/Park' }), 400: problem, 404: problem },
      },
    },
    '/api/parks/{parkId}/state': {
      get: {
        summary: 'Latest value of every point',
        parameters: [parkIdParam],
        responses: { 200: json('State snapshot', { $ref: '#/components/schemas/StateSnapshot' }), 400: problem, 404: problem },
      },
    },
    '/api/points/{pointId}/history': {
      get: {
        summary: 'Downsampled history of one point (≤ 1,000 buckets)',
        parameters: [
          { name: 'pointId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
          {
            name: 'from',
            in: 'query',
            required: false,
            schema: { type: 'string', format: 'date-time' },
            description: 'Start (inclusive), ISO 8601 with zone; default: `to` minus 1 hour',
          },
          {
            name: 'to',
            in: 'query',
            required: false,
            schema: { type: 'string', format: 'date-time' },
            description: 'End (exclusive), ISO 8601 with zone; default: now',
          },
        ],
        responses: { 200: json('Buckets', { $ref: '#/components/schemas/PointHistory' }), 400: problem, 404: problem },
      },
    },
  },
  components: {
    schemas: {
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'code'],
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          code: { type: 'string', description: 'Stable machine-readable error code' },
          detail: { type: 'string' },
          instance: { type: 'string' },
          errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
        },
      },
      ParkSummary: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'object' },
          enterprises: { type: 'integer' },
          buildings: { type: 'integer' },
          assets: { type: 'integer' },
          points: { type: 'integer' },
        },
      },
      Park: { type: 'object', description: 'See packages/model ParkSchema' },
      StateSnapshot: {
        type: 'object',
        properties: {
          parkId: { type: 'string' },
          ts: { type: 'integer', description: 'epoch ms' },
          values: {
            type: 'array',
            items: {
              type: 'array',
              description: '[pointId, ts epoch ms, value, quality code 0 good | 1 uncertain | 2 bad | 3 stale]',
              prefixItems: [{ type: 'integer' }, { type: 'integer' }, { type: 'number' }, { type: 'integer' }],
            },
          },
        },
      },
      PointHistory: {
        type: 'object',
        properties: {
          pointId: { type: 'integer' },
          from: { type: 'string', format: 'date-time' },
          to: { type: 'string', format: 'date-time' },
          bucketMs: { type: 'integer' },
          buckets: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                t: { type: 'integer' },
                avg: { type: 'number' },
                min: { type: 'number' },
                max: { type: 'number' },
                last: { type: 'number' },
                n: { type: 'integer' },
              },
            },
          },
        },
      },
    },
  },
} as const;
