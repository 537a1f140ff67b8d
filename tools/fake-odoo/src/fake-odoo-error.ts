/**
 * An exception as the fake's "Python side" raises it. The HTTP layer turns it into the JSON-RPC envelope
 * (HTTP 200, `error.data.name`) or the JSON-2 answer (status + `{name, message, arguments, context, debug}`).
 */
export class FakeOdooError extends Error {
  constructor(
    /** Python's qualified exception name, e.g. `odoo.exceptions.ValidationError`. */
    readonly odooName: string,
    message: string,
    /** The status Odoo 19's JSON-2 answers for it. */
    readonly json2Status: number,
  ) {
    super(message);
    this.name = 'FakeOdooError';
  }
}

export const odooErrors = {
  validation: (message: string) => new FakeOdooError('odoo.exceptions.ValidationError', message, 422),
  user: (message: string) => new FakeOdooError('odoo.exceptions.UserError', message, 422),
  missing: (model: string, ids: readonly number[], uid: number) =>
    new FakeOdooError(
      'odoo.exceptions.MissingError',
      `Record does not exist or has been deleted.\n(Record: ${model}(${ids.join(', ')},), User: ${uid})`,
      422,
    ),
  accessDenied: () => new FakeOdooError('odoo.exceptions.AccessDenied', 'Access Denied', 401),
  accessError: (message: string) => new FakeOdooError('odoo.exceptions.AccessError', message, 403),
  value: (message: string) => new FakeOdooError('builtins.ValueError', message, 500),
  type: (message: string) => new FakeOdooError('builtins.TypeError', message, 422),
  unknownModel: (model: string) => new FakeOdooError('builtins.KeyError', `'${model}'`, 404),
  /** What 16–18's `execute_kw` raises for a model the database does not have (a module not installed). */
  noSuchObject: (model: string) =>
    new FakeOdooError('odoo.exceptions.UserError', `Object ${model} doesn't exist`, 404),
  unknownMethod: (model: string, method: string) =>
    new FakeOdooError(
      'builtins.AttributeError',
      `The method '${method}' does not exist on the model '${model}'`,
      404,
    ),
  /** What Odoo makes of Postgres' IntegrityError: a ValidationError carrying Postgres' own text. */
  uniqueViolation: (constraint: string, columns: string, values: string) =>
    new FakeOdooError(
      'odoo.exceptions.ValidationError',
      `duplicate key value violates unique constraint "${constraint}"\nDETAIL:  Key (${columns})=(${values}) already exists.\n`,
      422,
    ),
  unknownDatabase: (db: string) =>
    new FakeOdooError('psycopg2.OperationalError', `FATAL:  database "${db}" does not exist\n`, 500),
};

/** A plausible Python traceback, so clients can prove they never show it. */
export function fakeTraceback(err: FakeOdooError): string {
  return [
    'Traceback (most recent call last):',
    '  File "/opt/odoo/odoo/http.py", line 1589, in _serve_db',
    '    return service_model.retrying(self._serve_ir_http, self.env)',
    '  File "/opt/odoo/odoo/service/model.py", line 133, in retrying',
    '    result = func()',
    `${err.odooName}: ${err.message}`,
  ].join('\n');
}
