import { carbonOpenApiPaths } from './carbon-openapi.js';

/**
 * The HTTP API's OpenAPI 3.1 document. A test checks that every route (and method) the app
 * registers is documented here and the other way round, so the two cannot drift apart.
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
          {
            name: 'resolution',
            in: 'query',
            required: false,
            schema: { type: 'string', enum: ['raw', '1m', '1h', '1d'] },
            description: 'Stored level to read; default by range: ≤ 6 h raw, ≤ 7 d 1m, ≤ 90 d 1h, else 1d (the unrolled tail always from raw)',
          },
        ],
        responses: { 200: json('Buckets', { $ref: '#/components/schemas/PointHistory' }), 400: problem, 404: problem },
      },
    },
    '/api/parks/{parkId}/energy': {
      get: {
        summary: 'Energy (kWh, from meter counter increases, resets counted from 0) and carbon (tCO2) of the park and each enterprise per bucket',
        parameters: [
          parkIdParam,
          {
            name: 'from',
            in: 'query',
            required: false,
            schema: { type: 'string', format: 'date-time' },
            description: 'Start, floored to the resolution; default: `to` minus 1 hour',
          },
          {
            name: 'to',
            in: 'query',
            required: false,
            schema: { type: 'string', format: 'date-time' },
            description: 'End (exclusive), ceiled to the resolution; default: now',
          },
          {
            name: 'resolution',
            in: 'query',
            required: false,
            schema: { type: 'string', enum: ['1m', '1h', '1d'] },
            description: 'Default: 1m up to a day, 1h up to 90 days, else 1d; at most 10,000 buckets',
          },
          { name: 'by', in: 'query', required: false, schema: { type: 'string', enum: ['enterprise', 'park'] } },
        ],
        responses: { 200: json('Energy windows', { $ref: '#/components/schemas/ParkEnergy' }), 400: problem, 404: problem },
      },
    },
    ...carbonOpenApiPaths,
    '/api/parks/{parkId}/attachments': {
      post: {
        summary: 'Store a photo or file of an annotation; answers the reference the annotation keeps',
        description:
          'The body is the raw file. Content-Type must be image/jpeg, image/png, image/webp or application/pdf and must match the bytes. At most 10 MiB (ATTACHMENT_MAX_BYTES).',
        parameters: [parkIdParam, { name: 'name', in: 'query', required: false, schema: { type: 'string', maxLength: 200 } }],
        requestBody: {
          required: true,
          content: Object.fromEntries(
            ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'].map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
          ),
        },
        responses: {
          201: json('Stored', {
            type: 'object',
            required: ['id', 'contentType', 'bytes', 'sha256', 'url'],
            properties: {
              id: { type: 'string', format: 'uuid' },
              contentType: { type: 'string' },
              bytes: { type: 'integer' },
              sha256: { type: 'string' },
              name: { type: 'string' },
              url: { type: 'string' },
            },
          }),
          400: problem,
          404: problem,
          413: problem,
          415: problem,
        },
      },
    },
    '/api/attachments/{attachmentId}': {
      get: {
        summary: 'The bytes of an attachment (immutable; ETag is the SHA-256)',
        parameters: [{ name: 'attachmentId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: { 200: { description: 'The file' }, 304: { description: 'Not modified' }, 400: problem, 404: problem },
      },
    },
    '/api/auth/me': { get: { summary: 'The signed-in principal (role, parks, enterprises), or null', responses: { 200: { description: 'principal' } } } },
    '/api/auth/dev/login': { get: { summary: 'DEVELOPMENT ONLY: sign-in page of the built-in IdP (demo users)', responses: { 200: { description: 'HTML' } } } },
    '/api/auth/dev/token': {
      post: {
        summary: 'DEVELOPMENT ONLY: a signed token for a demo user (also set as an HttpOnly cookie); audited',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', required: ['user'], properties: { user: { type: 'string' } } } } },
        },
        responses: { 200: { description: 'token' }, 400: problem, 401: problem, 429: problem },
      },
    },
    '/api/auth/dev/jwks.json': { get: { summary: 'DEVELOPMENT ONLY: public keys of the built-in IdP', responses: { 200: { description: 'JWKS' } } } },
    '/api/auth/logout': { post: { summary: 'Clears the session cookie', responses: { 204: { description: 'signed out' } } } },
    '/api/audit': {
      get: {
        summary: 'The audit trail, newest first (platform admin, park operator)',
        security: [{ bearer: [] }],
        parameters: ['from', 'to', 'event', 'actor', 'parkId', 'limit', 'beforeId'].map((name) => ({
          name,
          in: 'query',
          required: false,
          schema: { type: 'string' },
        })),
        responses: { 200: { description: 'events' }, 400: problem, 401: problem, 403: problem },
      },
    },
    '/api/parks/{parkId}/devices/credentials': {
      get: {
        summary: 'Push-ingest credentials of the park, without secrets (operators, admins)',
        parameters: [parkIdParam],
        responses: { 200: { description: 'credentials' }, 401: problem, 403: problem },
      },
      post: {
        summary: 'Issue a device token (answered once, stored as SHA-256); audited',
        parameters: [parkIdParam],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['deviceId'],
                properties: {
                  deviceId: { type: 'string' },
                  assets: { type: 'array', items: { type: 'string' } },
                  points: { type: 'array', items: { type: 'integer' } },
                },
              },
            },
          },
        },
        responses: { 201: { description: 'credential and token' }, 400: problem, 401: problem, 403: problem },
      },
    },
    '/api/parks/{parkId}/devices/credentials/{credentialId}': {
      delete: {
        summary: 'Revoke a device token (takes effect within 5 s on every relay); audited',
        parameters: [parkIdParam, { name: 'credentialId', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { 204: { description: 'revoked' }, 400: problem, 401: problem, 403: problem, 404: problem },
      },
    },
    '/api/ingest': {
      post: {
        summary: 'Push readings from a device (JSON batch or CSV); per-row results, good rows kept when others are bad',
        description:
          'Bearer token per device. Accepted rows are published as TelemetryBatches (msg id from the request id and row index: a retried request de-duplicates) and stored by the normal path. Implausible values are accepted but marked (quality uncertain/bad and a `flag`). Request id = `Idempotency-Key` header, else SHA-256 of the body.',
        security: [{ deviceToken: [] }],
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,100}$' } }],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/IngestBatch' } },
            'text/csv': {
              schema: { type: 'string', description: 'Header `point,ts,value[,quality]` (any order), one reading per line; empty ts = receive time' },
            },
          },
        },
        responses: {
          200: json('Per-row results', { $ref: '#/components/schemas/IngestResponse' }),
          400: problem,
          401: problem,
          413: problem,
          415: problem,
          503: problem,
        },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'OIDC access token (or the development IdP’s)' },
      deviceToken: { type: 'http', scheme: 'bearer', description: 'Per-device token; the relay stores only its SHA-256' },
    },
    schemas: {
      IngestBatch: {
        type: 'object',
        required: ['readings'],
        properties: {
          readings: {
            type: 'array',
            maxItems: 10000,
            items: {
              type: 'object',
              required: ['point', 'value'],
              properties: {
                point: { oneOf: [{ type: 'integer' }, { type: 'string', description: 'point tag `asset.metric`' }] },
                ts: {
                  oneOf: [
                    { type: 'string', format: 'date-time' },
                    { type: 'integer', description: 'epoch ms' },
                  ],
                  description: 'device time; default: receive time',
                },
                value: { type: 'number' },
                quality: {
                  oneOf: [
                    { type: 'string', enum: ['good', 'uncertain', 'bad', 'stale'] },
                    { type: 'integer', minimum: 0, maximum: 3 },
                  ],
                },
              },
            },
          },
        },
      },
      IngestResponse: {
        type: 'object',
        properties: {
          requestId: { type: 'string' },
          deviceId: { type: 'string' },
          received: { type: 'integer' },
          accepted: { type: 'integer' },
          rejected: { type: 'integer' },
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['row', 'status'],
              properties: {
                row: { type: 'integer', description: '0-based data row' },
                status: { type: 'string', enum: ['accepted', 'rejected'] },
                pointId: { type: 'integer' },
                ts: { type: 'integer' },
                quality: { type: 'string' },
                flag: { type: 'string', enum: ['below_min', 'above_max', 'rate_exceeded', 'counter_decreased'] },
                reason: {
                  type: 'string',
                  enum: [
                    'malformed_row',
                    'unknown_point',
                    'point_not_allowed',
                    'bad_timestamp',
                    'timestamp_in_future',
                    'bad_value',
                    'non_finite_value',
                    'value_out_of_range',
                    'bad_quality',
                    'duplicate_in_request',
                  ],
                },
                detail: { type: 'string' },
              },
            },
          },
        },
      },
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
      EnergyBucket: {
        type: 'object',
        properties: {
          t: { type: 'integer', description: 'bucket start, epoch ms' },
          importKwh: { type: 'number' },
          exportKwh: { type: 'number' },
          netKwh: { type: 'number' },
          co2T: { type: 'number', description: 'netKwh × emission factor, tonnes CO2' },
        },
      },
      ParkEnergy: {
        type: 'object',
        properties: {
          parkId: { type: 'string' },
          from: { type: 'string', format: 'date-time' },
          to: { type: 'string', format: 'date-time' },
          resolution: { type: 'string', enum: ['1m', '1h', '1d'] },
          bucketMs: { type: 'integer' },
          emissionFactor: { type: 'object', properties: { kgCo2PerKwh: { type: 'number' }, source: { type: 'string' } } },
          park: { type: 'array', items: { $ref: '#/components/schemas/EnergyBucket' } },
          enterprises: {
            type: 'array',
            items: {
              type: 'object',
              properties: { enterpriseId: { type: 'string' }, buckets: { type: 'array', items: { $ref: '#/components/schemas/EnergyBucket' } } },
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
          resolution: { type: 'string', enum: ['raw', '1m', '1h', '1d'], description: 'Stored level the buckets were read from' },
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
