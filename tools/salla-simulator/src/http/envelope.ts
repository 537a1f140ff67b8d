/** Salla's `pagination` object. `links` is `[]` when there is no other page (Salla serialises an empty PHP array). */
export interface SallaPaginationBody {
  count: number;
  total: number;
  perPage: number;
  currentPage: number;
  totalPages: number;
  links: { next?: string; previous?: string } | [];
}

/** What a route handler answers: Salla wraps it as `{status, success: true, data, pagination?}`. */
export interface ApiResult {
  status?: number;
  data: unknown;
  pagination?: SallaPaginationBody;
}

const ERROR_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  422: 'error',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
};

/** A failure a handler throws; answered as `{status, success: false, error: {code, message, fields?}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
  }
}

export function successBody(result: ApiResult): Record<string, unknown> {
  const status = result.status ?? 200;
  return {
    status,
    success: true,
    data: result.data,
    ...(result.pagination ? { pagination: result.pagination } : {}),
  };
}

export function errorBody(status: number, message: string, fields?: Record<string, string[]>) {
  return {
    status,
    success: false,
    error: { code: ERROR_CODES[status] ?? 'error', message, ...(fields ? { fields } : {}) },
  };
}

/** Salla's validation failure: 422 with the offending fields, keyed by their dotted path. */
export const validationError = (fields: Record<string, string[]>): ApiError =>
  new ApiError(422, 'alert.invalid_fields', fields);

export const notFound = (what: string): ApiError => new ApiError(404, `${what} not found`);
