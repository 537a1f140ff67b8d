import { BACKFILL_RESOURCES, SYNC_DIRECTIONS, SYNC_ENTITY_TYPES, SYNC_OUTCOMES } from '@app/contracts';

import { ADMIN_PREFIX, ADMIN_ROUTES, type AdminRouteId } from '../admin-routes';

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: Schema;
  description?: string;
}

const STORE_ID: Schema = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' };
const DATE: Schema = { type: 'string', format: 'date-time' };
const int = (minimum: number, maximum: number): Schema => ({ type: 'integer', minimum, maximum });
const oneOf = (values: readonly string[]): Schema => ({ type: 'string', enum: [...values] });
const query = (name: string, schema: Schema, description?: string): Parameter => ({
  name,
  in: 'query',
  required: false,
  schema,
  ...(description ? { description } : {}),
});

const PATH_PARAMS: Record<string, Schema> = {
  id: STORE_ID,
  grantId: { type: 'string', minLength: 1, maxLength: 128 },
  runId: { type: 'string', minLength: 1, maxLength: 128 },
};
// Dead-letter ids are Mongo object ids, not store ids.
const DEAD_LETTER_ID: Schema = { type: 'string', pattern: '^[0-9a-f]{24}$' };

const QUERY_PARAMS: Partial<Record<AdminRouteId, Parameter[]>> = {
  listStores: [
    query('q', { type: 'string', maxLength: 128 }, 'store id (exact) or part of the name/domain'),
    query('installState', oneOf(['installed', 'uninstalled'])),
    query('odooState', oneOf(['unknown', 'connected', 'failing'])),
    query('hasFailures', oneOf(['true', 'false'])),
    query('limit', int(1, 200)),
    query('offset', int(0, 100_000)),
  ],
  listActivity: [
    query('entityType', oneOf(SYNC_ENTITY_TYPES), 'kind of record'),
    query('outcome', oneOf(SYNC_OUTCOMES)),
    query('direction', oneOf(SYNC_DIRECTIONS)),
    query('entityId', { type: 'string', maxLength: 128 }),
    query('before', DATE, 'cursor: nextBefore of the previous page'),
    query('limit', int(1, 200)),
  ],
  listDeadLetters: [
    query('storeId', STORE_ID),
    query('topic', { type: 'string', pattern: '^[a-z0-9.-]{1,200}$' }, 'source topic'),
    query('state', oneOf(['parked', 'replayed', 'discarded'])),
    query('limit', int(1, 200)),
    query('offset', int(0, 100_000)),
  ],
  queryAudit: [
    query('storeId', STORE_ID),
    query('actor', { type: 'string', maxLength: 256 }),
    query('from', DATE),
    query('to', DATE),
    query('before', DATE, 'cursor: nextBefore of the previous page'),
    query('limit', int(1, 500)),
  ],
};

const object = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...(required.length > 0 ? { required } : {}),
});

const BODIES: Partial<Record<AdminRouteId, Schema>> = {
  createOperatorGrant: object(
    { reason: { type: 'string', minLength: 10, maxLength: 1000 }, durationHours: int(1, 168) },
    ['reason', 'durationHours'],
  ),
  redeemMerchantGrant: object({ token: { type: 'string', minLength: 1, maxLength: 4096 } }, ['token']),
  requestBackfill: object({
    resources: { type: 'array', uniqueItems: true, items: oneOf(BACKFILL_RESOURCES) },
    ordersSince: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z$' },
  }),
  rotateStoreKey: object({ reason: { type: 'string', minLength: 5, maxLength: 500 } }, ['reason']),
  replayDeadLetters: object({ storeId: STORE_ID, topic: { type: 'string', pattern: '^[a-z0-9.-]{1,200}$' } }),
  discardDeadLetter: object({ reason: { type: 'string', minLength: 5, maxLength: 1000 } }, ['reason']),
};

const SUCCESS: Partial<Record<AdminRouteId, string>> = {
  requestBackfill: '202',
  checkOdooConnection: '202',
  rotateStoreKey: '202',
  revokeGrant: '204',
};

const ERROR = { $ref: '#/components/responses/Error' };

function operation(id: AdminRouteId): Schema {
  const route = ADMIN_ROUTES[id];
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const parameters: Parameter[] = [
    ...names.map((name) => ({
      name,
      in: 'path' as const,
      required: true,
      schema:
        route.path.startsWith('/dead-letters') && name === 'id' ? DEAD_LETTER_ID : (PATH_PARAMS[name] ?? {}),
    })),
    ...(QUERY_PARAMS[id] ?? []),
  ];
  const success = SUCCESS[id] ?? '200';
  const body = BODIES[id];
  return {
    operationId: id,
    summary: route.summary,
    tags: [route.tag],
    description: `Roles: ${route.roles.join(', ')}.${
      'businessData' in route && route.businessData
        ? ' Support needs an active access grant for the store.'
        : ''
    }`,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
    responses: {
      [success]:
        success === '204'
          ? { description: 'Done' }
          : { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
      '400': ERROR,
      '401': ERROR,
      '403': ERROR,
      '404': ERROR,
      '409': ERROR,
      '422': ERROR,
      '429': { ...ERROR, description: 'Rate limited; see Retry-After' },
    },
  };
}

/** The OpenAPI 3.0 document of the admin API, generated from ADMIN_ROUTES (the same table the guard enforces). */
export function buildOpenApiDocument(serverUrl = ADMIN_PREFIX): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const id of Object.keys(ADMIN_ROUTES) as AdminRouteId[]) {
    const route = ADMIN_ROUTES[id];
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(id);
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Salla ⇄ Odoo sync — admin API',
      version: '1.0.0',
      description:
        "Support and operations API of the gateway. Every request is audited. Support sees a store's business data only while the merchant (or ops, with a reason) has granted access.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }, { apiKey: [] }],
    tags: ['stores', 'grants', 'backfills', 'operations', 'dead-letters', 'audit'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'JWT from the configured issuer, or an API key',
        },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
      responses: {
        Error: {
          description: 'Error',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { statusCode: { type: 'integer' }, message: {}, error: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
}
