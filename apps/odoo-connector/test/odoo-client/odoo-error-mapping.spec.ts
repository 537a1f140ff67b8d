import {
  isUniqueViolation,
  OdooCredentialsError,
  odooErrorFromPayload,
  odooErrorFromStatus,
  OdooError,
  OdooMissingRecordError,
  OdooPermissionError,
  OdooTransientError,
  OdooValidationError,
} from '../../src/odoo-client';

const rpc = {
  protocol: 'json-rpc' as const,
  operation: 'product.template.create',
  secrets: ['s3cret-api-key'],
};
const json2 = (httpStatus: number) => ({
  protocol: 'json-2' as const,
  operation: 'sale.order.write',
  httpStatus,
});

describe('Odoo error mapping', () => {
  it.each([
    ['odoo.exceptions.AccessDenied', OdooCredentialsError, true],
    ['odoo.exceptions.AccessError', OdooPermissionError, true],
    ['odoo.exceptions.ValidationError', OdooValidationError, true],
    ['odoo.exceptions.UserError', OdooValidationError, true],
    ['builtins.ValueError', OdooValidationError, true],
    ['odoo.exceptions.MissingError', OdooMissingRecordError, true],
    ['psycopg2.errors.SerializationFailure', OdooTransientError, false],
    ['builtins.TypeError', OdooError, true],
  ])('a JSON-RPC %s becomes %p (permanent: %s)', (name, type, permanent) => {
    const err = odooErrorFromPayload({ name, message: 'something happened' }, rpc);
    expect(err).toBeInstanceOf(type);
    expect(err.permanent).toBe(permanent);
    expect(err.odooName).toBe(name);
  });

  it('a concurrent-update failure is retried whatever its exception name', () => {
    const err = odooErrorFromPayload(
      { name: 'psycopg2.OperationalError', message: 'could not serialize access due to concurrent update' },
      rpc,
    );
    expect(err).toBeInstanceOf(OdooTransientError);
  });

  it('an unknown database is reported as a credentials problem, not retried', () => {
    const err = odooErrorFromPayload(
      { name: 'psycopg2.OperationalError', message: 'FATAL:  database "shop" does not exist' },
      rpc,
    );
    expect(err).toBeInstanceOf(OdooCredentialsError);
    expect(err.permanent).toBe(true);
  });

  it.each([
    [401, OdooCredentialsError],
    [403, OdooPermissionError],
    [404, OdooMissingRecordError],
    [422, OdooValidationError],
    [500, OdooTransientError],
    [502, OdooTransientError],
    [503, OdooTransientError],
    [504, OdooTransientError],
    [429, OdooTransientError],
  ])('a JSON-2 HTTP %i becomes %p', (status, type) => {
    expect(odooErrorFromStatus(status, json2(status))).toBeInstanceOf(type);
    expect(
      odooErrorFromPayload({ name: 'werkzeug.exceptions.Whatever', message: 'x' }, json2(status)),
    ).toBeInstanceOf(type);
  });

  it('a JSON-2 body naming a known exception wins over a generic status', () => {
    const err = odooErrorFromPayload(
      { name: 'builtins.ValueError', message: "Wrong value for product.template.type: 'product'" },
      json2(500),
    );
    expect(err).toBeInstanceOf(OdooValidationError);
  });

  it('the merchant sees Odoo message without the traceback, and never the API key', () => {
    const err = odooErrorFromPayload(
      {
        name: 'odoo.exceptions.ValidationError',
        message:
          'Barcode "123" already assigned (key s3cret-api-key)\nTraceback (most recent call last):\n  File "x.py"',
        debug: 'Traceback (most recent call last): ... s3cret-api-key',
      },
      rpc,
    );
    expect(err.merchantMessage).toBe('Barcode "123" already assigned (key [redacted])');
    expect(err.message).toContain('product.template.create');
    expect(`${err.message} ${err.merchantMessage}`).not.toMatch(/Traceback|s3cret-api-key/);
  });

  it('recognises the ir.model.data unique index violation used as the binding lock', () => {
    const err = odooErrorFromPayload(
      {
        name: 'odoo.exceptions.ValidationError',
        message:
          'duplicate key value violates unique constraint "ir_model_data_module_name_uniq_index"\nDETAIL:  Key (module, name)=(salla, p_1) already exists.',
      },
      rpc,
    );
    expect(isUniqueViolation(err, 'ir_model_data_module_name_uniq_index')).toBe(true);
    expect(
      isUniqueViolation(
        odooErrorFromPayload({ name: 'odoo.exceptions.ValidationError', message: 'no' }, rpc),
      ),
    ).toBe(false);
  });
});
