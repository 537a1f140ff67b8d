import {
  OdooUnsupportedVersionError,
  parseOdooVersion,
  productKindOf,
  productTypeFields,
  productTypeReadFields,
} from '../../src/odoo-client';

describe('Odoo version detection', () => {
  it.each([
    [{ server_version: '16.0', server_version_info: [16, 0, 0, 'final', 0, ''] }, 16, 'json-rpc'],
    [{ server_version: '17.0+e', server_version_info: [17, 0, 0, 'final', 0, 'e'] }, 17, 'json-rpc'],
    [{ server_version: 'saas~17.2', server_version_info: ['saas~17', 2, 0, 'final', 0, ''] }, 17, 'json-rpc'],
    [{ server_version: '18.0', server_version_info: [18, 0, 0, 'final', 0, ''] }, 18, 'json-rpc'],
    [{ server_version: '19.0', server_version_info: [19, 0, 0, 'final', 0, ''] }, 19, 'json-2'],
    ['18.0', 18, 'json-rpc'],
    [19, 19, 'json-2'],
  ])('%j is Odoo %i, spoken to over %s', (source, major, protocol) => {
    expect(parseOdooVersion(source)).toMatchObject({ major, protocol });
  });

  it('refuses Odoo 15 and older with a clear message', () => {
    expect(() =>
      parseOdooVersion({ server_version: '15.0', server_version_info: [15, 0, 0, 'final', 0, ''] }),
    ).toThrow(new OdooUnsupportedVersionError('Odoo 15.0 is not supported; version 16 or newer is required'));
    expect(() => parseOdooVersion({})).toThrow(OdooUnsupportedVersionError);
  });
});

describe('version-aware product type', () => {
  it('16 and 17 mark a storable product with type/detailed_type "product"', () => {
    expect(productTypeFields(16, 'storable')).toEqual({ type: 'product', detailed_type: 'product' });
    expect(productTypeFields({ major: 17 }, 'consumable')).toEqual({ type: 'consu', detailed_type: 'consu' });
    expect(productTypeFields(17, 'service')).toEqual({ type: 'service', detailed_type: 'service' });
  });

  it('18 and later use type "consu" with is_storable, never type "product"', () => {
    expect(productTypeFields(18, 'storable')).toEqual({ type: 'consu', is_storable: true });
    expect(productTypeFields(19, 'consumable')).toEqual({ type: 'consu', is_storable: false });
    expect(productTypeFields(19, 'service')).toEqual({ type: 'service' });
  });

  it('reads the kind back in each version', () => {
    expect(productTypeReadFields(16)).toEqual(['type']);
    expect(productTypeReadFields(19)).toEqual(['type', 'is_storable']);
    expect(productKindOf(16, { type: 'product' })).toBe('storable');
    expect(productKindOf(16, { type: 'consu' })).toBe('consumable');
    expect(productKindOf(19, { type: 'consu', is_storable: true })).toBe('storable');
    expect(productKindOf(19, { type: 'consu', is_storable: false })).toBe('consumable');
    expect(productKindOf(18, { type: 'service', is_storable: false })).toBe('service');
  });
});
