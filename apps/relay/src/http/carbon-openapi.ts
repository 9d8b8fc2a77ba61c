/**
 * OpenAPI paths of the carbon API (carbon-routes.ts), spread into openapi.ts. The drift test in
 * api-app.test.ts checks them against the registered routes.
 */
const problem = { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const json = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });
const parkIdParam = { name: 'parkId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } };
const periodParam = {
  name: 'period',
  in: 'query',
  required: true,
  schema: { type: 'string', pattern: '^\\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$' },
  description: 'A month `2025-01`, a quarter `2025-Q1` or a year `2025`, in the park’s local time',
};
const enterpriseParam = {
  name: 'enterpriseId',
  in: 'query',
  required: false,
  schema: { type: 'string' },
  description: 'One enterprise; absent: the whole park',
};
const ParameterOverride = {
  type: 'object',
  required: ['id', 'value', 'source'],
  properties: {
    id: { type: 'string', description: 'A parameter id of GET /api/carbon/parameters' },
    value: { oneOf: [{ type: 'number' }, { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' }] },
    source: { type: 'string' },
    version: { type: 'string' },
    factorId: { type: 'string', description: 'The library factor the value comes from (`dataset@version:factor`)' },
  },
};
const ManualItem = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    parkId: { type: 'string' },
    enterpriseId: { type: 'string' },
    month: { type: 'string' },
    record: {
      type: 'object',
      description: '`{ type: "activity", item }` (a zcp.carbon.activity/v1 activity item) or `{ type: "certificate", certificate }`',
    },
    source: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
};
const entrySummaryProperties = {
  id: { type: 'integer' },
  parkId: { type: 'string' },
  periodKind: { type: 'string', enum: ['month', 'quarter', 'year'] },
  period: { type: 'string' },
  periodFrom: { type: 'string' },
  periodTo: { type: 'string' },
  scope: { type: 'string', enum: ['park', 'enterprise'] },
  enterpriseId: { type: ['string', 'null'] },
  parameterVersions: { type: 'object', description: 'Parameter id → { version, value, overridden }' },
  factorVersions: { type: 'array', items: { type: 'string' }, description: 'Factor datasets `id@version`' },
  valid: { type: 'boolean', description: 'No certificate safeguard was broken' },
  computedAt: { type: 'string', format: 'date-time' },
};
const LedgerEntry = {
  type: 'object',
  properties: {
    ...entrySummaryProperties,
    result: { type: 'object', description: 'The engine result (zcp.carbon.result/v1): park-method sources, tce, indicators, certificates, lineage' },
    input: {
      type: 'object',
      description:
        'What the entry was computed from: `activity` (zcp.carbon.activity/v1, metered + manual, overrides included) and `previouslyRetiredCertificateIds`',
    },
  },
};

export const carbonOpenApiPaths = {
  '/api/carbon/parameters': {
    get: {
      summary: 'Carbon accounting parameters: default value, unit, version, source, unconfirmed flag',
      responses: { 200: json('Parameter defaults', { type: 'object', properties: { parameters: { type: 'array', items: { type: 'object' } } } }) },
    },
  },
  '/api/carbon/factors': {
    get: {
      summary: 'The built-in emission-factor library: versioned datasets (grid by year, fuels, process) with sources',
      responses: { 200: json('Factor datasets', { type: 'object', properties: { datasets: { type: 'array', items: { type: 'object' } } } }) },
    },
  },
  '/api/carbon/parks/{parkId}/activity': {
    get: {
      summary: 'Manual activity items and certificates stored for the months of a period',
      parameters: [parkIdParam, periodParam, enterpriseParam],
      responses: {
        200: json('Manual items', {
          type: 'object',
          properties: { parkId: { type: 'string' }, period: { type: 'string' }, items: { type: 'array', items: ManualItem } },
        }),
        400: problem,
        404: problem,
      },
    },
    post: {
      summary: 'Store manual activity items / certificates, validated row by row; good rows are kept when others are bad',
      description:
        'Each row is `{ enterpriseId, month: "YYYY-MM", item }` (an activity item of zcp.carbon.activity/v1) or `{ enterpriseId, month, certificate }` (the month the certificate is claimed). When any row is bad the answer is a 400 problem `invalid_rows` whose `errors` give each bad row’s path (`rows.3.item.quantity`) and message; the good rows are stored anyway.',
      parameters: [parkIdParam],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { type: 'object', required: ['rows'], properties: { rows: { type: 'array', minItems: 1, maxItems: 10000, items: { type: 'object' } } } },
          },
        },
      },
      responses: {
        201: json('Stored rows', { type: 'object', properties: { parkId: { type: 'string' }, stored: { type: 'array', items: ManualItem } } }),
        400: problem,
        404: problem,
      },
    },
  },
  '/api/carbon/parks/{parkId}/report': {
    get: {
      summary:
        'The park’s declaration report (申报) for a year: indicators with thresholds and pass/fail, band, monthly trend, enterprises, coverage, factors, lineage',
      description:
        'Built from the latest park ledger entries of the year and its 12 months; missing entries (or all, with recompute=true) are computed and stored first. Chinese first (lang=zh), English with lang=en.',
      parameters: [
        parkIdParam,
        { name: 'year', in: 'query', required: true, schema: { type: 'string', pattern: '^\\d{4}$' } },
        { name: 'lang', in: 'query', required: false, schema: { type: 'string', enum: ['zh', 'en'] } },
        { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['html', 'pdf', 'xlsx'] } },
        { name: 'recompute', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } },
      ],
      responses: {
        200: {
          description: 'The report',
          content: { 'text/html': {}, 'application/pdf': {}, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {} },
        },
        400: problem,
        404: problem,
      },
    },
  },
  '/api/carbon/parks/{parkId}/activity/template': {
    get: {
      summary: 'The activity spreadsheet template operators fill monthly (XLSX with a README sheet, zh/en headers, drop-down lists), or one CSV per kind',
      parameters: [
        parkIdParam,
        { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['xlsx', 'csv'] } },
        {
          name: 'kind',
          in: 'query',
          required: false,
          schema: { type: 'string', enum: ['fuel', 'process', 'electricity', 'heat', 'bunker', 'solid_waste', 'waste_heat', 'water', 'certificate'] },
          description: 'Required with format=csv',
        },
      ],
      responses: {
        200: {
          description: 'The template',
          content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {}, 'text/csv': {} },
        },
        400: problem,
        404: problem,
      },
    },
  },
  '/api/carbon/parks/{parkId}/activity/import': {
    post: {
      summary:
        'Import a filled template: validated row by row, good rows stored, every rejected row reported (sheet, row, column, value, reason in English and Chinese)',
      parameters: [
        parkIdParam,
        {
          name: 'kind',
          in: 'query',
          required: false,
          schema: { type: 'string', enum: ['fuel', 'process', 'electricity', 'heat', 'bunker', 'solid_waste', 'waste_heat', 'water', 'certificate'] },
          description: 'Required for a CSV body',
        },
        { name: 'fileName', in: 'query', required: false, schema: { type: 'string' }, description: 'Named in each stored row’s source note' },
      ],
      requestBody: {
        required: true,
        content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {}, 'text/csv': {} },
      },
      responses: {
        200: json('What was stored and what was rejected', {
          type: 'object',
          properties: {
            parkId: { type: 'string' },
            stored: { type: 'integer' },
            rejected: { type: 'integer' },
            ids: { type: 'array', items: { type: 'integer' } },
            errors: { type: 'array', items: { type: 'object' } },
          },
        }),
        400: problem,
        404: problem,
        413: problem,
        415: problem,
      },
    },
  },
  '/api/carbon/parks/{parkId}/activity/metered': {
    get: {
      summary:
        'Metered activity per enterprise and local month from the meter rollups: grid import and export, PV self-consumption (generation − export), gas of its boilers; each with its points',
      parameters: [parkIdParam, periodParam, enterpriseParam],
      responses: {
        200: json('Metered items', {
          type: 'object',
          properties: { parkId: { type: 'string' }, period: { type: 'string' }, enterprises: { type: 'array', items: { type: 'object' } } },
        }),
        400: problem,
        404: problem,
      },
    },
  },
  '/api/carbon/parks/{parkId}/ledger': {
    get: {
      summary: 'The ledger of a period: the latest entry, or the one of `entryId`, or the latest computed at or before `at`',
      parameters: [
        parkIdParam,
        periodParam,
        enterpriseParam,
        { name: 'entryId', in: 'query', required: false, schema: { type: 'integer', minimum: 1 }, description: 'A specific (older) entry of the period' },
        { name: 'at', in: 'query', required: false, schema: { type: 'string', format: 'date-time' }, description: 'The ledger as it stood at this time' },
      ],
      responses: { 200: json('Ledger entry', LedgerEntry), 400: problem, 404: problem },
    },
  },
  '/api/carbon/parks/{parkId}/ledger/entries': {
    get: {
      summary: 'Every computation of a period, newest first (without results and inputs)',
      parameters: [parkIdParam, periodParam, enterpriseParam],
      responses: {
        200: json('Entries', {
          type: 'object',
          properties: {
            parkId: { type: 'string' },
            period: { type: 'string' },
            entries: { type: 'array', items: { type: 'object', properties: entrySummaryProperties } },
          },
        }),
        400: problem,
        404: problem,
      },
    },
  },
  '/api/carbon/parks/{parkId}/ledger/compute': {
    post: {
      summary: 'Compute a period from its current metered and manual data and append it as a new entry (earlier entries are kept)',
      parameters: [parkIdParam],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['period'],
              properties: {
                period: { type: 'string', description: '`2025-01`, `2025-Q1` or `2025`' },
                enterpriseId: { type: 'string', description: 'Compute one enterprise alone' },
                parkAssetsEnterpriseId: {
                  type: 'string',
                  description: 'The enterprise that accounts for park-level gas boilers; absent: their gas is left out',
                },
                parameterOverrides: { type: 'array', items: ParameterOverride },
              },
            },
          },
        },
      },
      responses: { 201: json('The new entry', LedgerEntry), 400: problem, 404: problem },
    },
  },
  '/api/carbon/parks/{parkId}/ledger/entries/{entryId}/reproduce': {
    post: {
      summary: 'Rerun the engine on an entry’s stored input; `identical` says whether the result is the stored one',
      parameters: [parkIdParam, { name: 'entryId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
      responses: {
        200: json('Reproduced result', {
          type: 'object',
          properties: { entryId: { type: 'integer' }, identical: { type: 'boolean' }, result: { type: 'object' } },
        }),
        400: problem,
        404: problem,
      },
    },
  },
};
