/** Hand-written OpenAPI 3.0.3 for the privacy API; keep it in step with the controllers. */
const json = { 'application/json': { schema: { type: 'object' } } };
const ref = (name: string): Record<string, unknown> => ({
  'application/json': { schema: { $ref: `#/components/schemas/${name}` } },
});
const storeId = { name: 'storeId', in: 'path', required: true, schema: { type: 'string' } };
const unauthorized = { description: 'Missing or wrong bearer token', content: ref('Error') };
const secured = [{ complianceToken: [] }];

export const PRIVACY_OPENAPI = {
  openapi: '3.0.3',
  info: {
    title: 'Salla ⇄ Odoo sync — privacy API',
    version: '1.0.0',
    description:
      'Store erasure (also started by uninstall), legal holds, retention runs, configuration export and the ' +
      'privacy policy. Every endpoint except the policy and this document needs the compliance bearer token.',
  },
  servers: [{ url: '/' }],
  security: secured,
  paths: {
    '/privacy/v1/stores/{storeId}/erasures': {
      post: {
        summary: 'Erase everything stored for the store (idempotent by requestId)',
        parameters: [storeId],
        requestBody: { required: false, content: ref('StartErasure') },
        responses: {
          '202': { description: 'Erasure started', content: ref('Erasure') },
          '200': { description: 'Same requestId seen before: the stored request', content: ref('Erasure') },
          '400': { description: 'Invalid body', content: ref('Error') },
          '401': unauthorized,
          '409': { description: 'requestId belongs to another store', content: ref('Error') },
        },
      },
    },
    '/privacy/v1/erasures/{requestId}': {
      get: {
        summary: 'Status and receipt of an erasure request',
        parameters: [
          { name: 'requestId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
        ],
        responses: {
          '200': { description: 'The request', content: ref('Erasure') },
          '401': unauthorized,
          '404': { description: 'Unknown request', content: ref('Error') },
        },
      },
    },
    '/privacy/v1/stores/{storeId}/legal-hold': {
      put: {
        summary: 'Place (or replace) a legal hold: erasures keep the named data classes until `until`',
        parameters: [storeId],
        requestBody: { required: true, content: ref('LegalHoldInput') },
        responses: {
          '200': { description: 'The hold', content: ref('LegalHold') },
          '400': { description: 'Invalid body', content: ref('Error') },
          '401': unauthorized,
        },
      },
      get: {
        summary: "The store's legal hold",
        parameters: [storeId],
        responses: {
          '200': { description: 'The hold', content: ref('LegalHold') },
          '401': unauthorized,
          '404': { description: 'No hold', content: ref('Error') },
        },
      },
      delete: {
        summary: 'Lift the legal hold',
        parameters: [storeId],
        responses: {
          '204': { description: 'Lifted' },
          '401': unauthorized,
          '404': { description: 'No hold' },
        },
      },
    },
    '/privacy/v1/stores/{storeId}/exports': {
      post: {
        summary: "Export the store's configuration (secrets redacted) as one JSON document",
        parameters: [storeId],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: { type: 'object', properties: { requestId: { type: 'string', format: 'uuid' } } },
            },
          },
        },
        responses: {
          '202': { description: 'Export started', content: ref('Export') },
          '200': { description: 'Same requestId seen before', content: ref('Export') },
          '401': unauthorized,
        },
      },
    },
    '/privacy/v1/exports/{exportId}': {
      get: {
        summary: 'The export and, once completed, its document (until it expires)',
        parameters: [
          { name: 'exportId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
        ],
        responses: {
          '200': { description: 'The export', content: ref('Export') },
          '401': unauthorized,
          '404': { description: 'Unknown export', content: ref('Error') },
          '410': { description: 'Expired, or the store was erased', content: ref('Error') },
        },
      },
    },
    '/privacy/v1/retention/policy': {
      get: {
        summary: 'Retention days per data class',
        responses: { '200': { description: 'Policy', content: json }, '401': unauthorized },
      },
    },
    '/privacy/v1/retention/runs': {
      post: {
        summary: 'Start a retention run now (besides the schedule)',
        responses: { '202': { description: 'Run started', content: json }, '401': unauthorized },
      },
    },
    '/privacy/v1/retention/runs/{runId}': {
      get: {
        summary: 'Per-run report: documents deleted per data class and service',
        parameters: [
          { name: 'runId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
        ],
        responses: {
          '200': { description: 'Report', content: json },
          '401': unauthorized,
          '404': { description: 'Unknown run' },
        },
      },
    },
    '/privacy/v1/policy': {
      get: {
        summary: 'The privacy policy in force',
        security: [],
        responses: { '200': { description: 'Policy', content: ref('PolicyVersion') } },
      },
    },
    '/privacy/v1/policy/versions': {
      get: {
        summary: 'Every published policy version',
        security: [],
        responses: {
          '200': {
            description: 'Versions',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    versions: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {
                          version: { type: 'string' },
                          effectiveDate: { type: 'string', format: 'date' },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    '/privacy/v1/policy/versions/{version}': {
      get: {
        summary: 'One policy version',
        security: [],
        parameters: [{ name: 'version', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'Version', content: ref('PolicyVersion') },
          '404': { description: 'Unknown version' },
        },
      },
    },
    '/privacy/v1/openapi.json': {
      get: {
        summary: 'This document',
        security: [],
        responses: { '200': { description: 'OpenAPI 3.0', content: json } },
      },
    },
  },
  components: {
    securitySchemes: {
      complianceToken: { type: 'http', scheme: 'bearer', description: 'One of PRIVACY_API_TOKENS' },
    },
    schemas: {
      Error: { type: 'object', properties: { statusCode: { type: 'integer' }, message: {} } },
      StartErasure: {
        type: 'object',
        properties: {
          requestId: { type: 'string', format: 'uuid' },
          reason: { type: 'string', maxLength: 500 },
        },
      },
      Erasure: {
        type: 'object',
        properties: {
          requestId: { type: 'string', format: 'uuid' },
          storeId: { type: 'string' },
          source: { type: 'string', enum: ['api', 'uninstall'] },
          status: { type: 'string', enum: ['received', 'in_progress', 'completed', 'failed'] },
          receivedAt: { type: 'string', format: 'date-time' },
          dueBy: { type: 'string', format: 'date-time' },
          completedAt: { type: 'string', format: 'date-time', nullable: true },
          failure: { type: 'string', nullable: true },
          pendingServices: { type: 'array', items: { type: 'string' } },
          receipt: {
            type: 'object',
            nullable: true,
            properties: {
              keyShredded: { type: 'boolean' },
              totalErased: { type: 'integer' },
              kept: { type: 'object', nullable: true },
              services: { type: 'array', items: { type: 'object' } },
            },
          },
        },
      },
      LegalHoldInput: {
        type: 'object',
        required: ['reason', 'dataClasses', 'until'],
        properties: {
          reason: { type: 'string', maxLength: 500 },
          dataClasses: { type: 'array', minItems: 1, items: { type: 'string' } },
          until: { type: 'string', format: 'date-time' },
        },
      },
      LegalHold: {
        type: 'object',
        properties: {
          storeId: { type: 'string' },
          reason: { type: 'string' },
          dataClasses: { type: 'array', items: { type: 'string' } },
          until: { type: 'string', format: 'date-time' },
          placedAt: { type: 'string', format: 'date-time' },
        },
      },
      Export: {
        type: 'object',
        properties: {
          exportId: { type: 'string', format: 'uuid' },
          storeId: { type: 'string' },
          status: { type: 'string', enum: ['pending', 'completed', 'failed'] },
          expiresAt: { type: 'string', format: 'date-time', nullable: true },
          document: { type: 'object', nullable: true },
        },
      },
      PolicyVersion: {
        type: 'object',
        properties: {
          version: { type: 'string' },
          effectiveDate: { type: 'string', format: 'date' },
          text: { type: 'string' },
        },
      },
    },
  },
} as const;
