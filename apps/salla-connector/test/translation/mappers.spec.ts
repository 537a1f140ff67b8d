import {
  flattenCategories,
  mapCategory,
  mapCustomer,
  mapPaymentMethod,
  mapShippingCompany,
  mapStoreInfo,
  normalisePhone,
  type SallaCustomer,
  sallaTimeToUtc,
} from '../../src/translation';
import { fixtureData } from './translation-test-kit';

describe('customers', () => {
  it('maps the sample customer with an international phone and a lower-cased e-mail', () => {
    const customer = mapCustomer({
      ...fixtureData<SallaCustomer>('customer.created.json'),
      email: ' Test@Gmail.COM ',
    });
    expect(customer).toEqual({
      source: 'salla',
      customerId: '225167971',
      name: 'User Mohammed',
      firstName: 'User',
      lastName: 'Mohammed',
      email: 'test@gmail.com',
      phone: '+966555555555',
      countryCode: 'SA',
      city: 'الرياض',
      sourceUpdatedAt: '2022-01-24T11:26:55.000Z',
    });
  });

  it.each([
    [501806978, '+966', '+966501806978'],
    ['0501806978', '+966', '+966501806978'],
    ['050 180-6978', '966', '+966501806978'],
    ['+96652318526', '+966', '+96652318526'],
    ['00971501960991', undefined, '+971501960991'],
    ['', '+966', undefined],
  ])('phone %p with code %p → %p', (mobile, code, phone) => {
    expect(normalisePhone(mobile, code)).toBe(phone);
  });

  it('names a customer who gave only a phone number after it (Odoo needs a partner name)', () => {
    expect(mapCustomer({ id: 5, mobile: 555, mobile_code: '+966' }).name).toBe('+966555');
  });
});

describe('categories', () => {
  it('maps the sample category: parent, hidden, sort order', () => {
    expect(mapCategory(fixtureData('category.created.json'))).toEqual({
      source: 'salla',
      categoryId: '1429120554',
      name: 'test category',
      parentId: '99911771',
      isActive: false,
      sortOrder: 7,
    });
  });

  it('flattens a category tree parents first, filling in each child’s parent', () => {
    const tree = [
      {
        id: 1,
        name: 'Clothes',
        parent_id: 0,
        status: 'active',
        sub_categories: [
          { id: 2, name: 'Shirts', sub_categories: [{ id: 3, name: 'Polo', parent_id: 2 }] },
          'string',
        ],
      },
      { id: 4, name: 'Gifts', sub_categories: [] },
    ];
    const mapped = flattenCategories(tree).map(mapCategory);
    expect(mapped.map((c) => [c.categoryId, c.parentId])).toEqual([
      ['1', undefined],
      ['2', '1'],
      ['3', '2'],
      ['4', undefined],
    ]);
  });
});

describe('shipping companies, payment methods and the store', () => {
  it('a shipping company keeps its enabled state and app', () => {
    expect(mapShippingCompany({ id: 9, name: 'Aramex', status: 'active', app_id: '618297749' })).toEqual({
      source: 'salla',
      methodId: '9',
      name: 'Aramex',
      isActive: true,
      appId: '618297749',
    });
    expect(mapShippingCompany(fixtureData('shipping.company.created.json')).isActive).toBe(false);
  });

  it("a payment method's code is the slug orders carry in payment_method", () => {
    expect(mapPaymentMethod({ id: 2, name: 'مدى', slug: 'mada', status: false })).toEqual({
      source: 'salla',
      methodId: '2',
      code: 'mada',
      name: 'مدى',
      isActive: false,
    });
    expect(() => mapPaymentMethod({ id: 3, name: 'Nameless' })).toThrow('payment method 3: slug is missing');
  });

  it('the store profile keeps name, domain, plan and currency, and nothing personal', () => {
    const profile = mapStoreInfo(
      {
        id: 1305146709,
        name: 'Demo Store',
        email: 'owner@example.com',
        domain: 'https://salla.sa/demo',
        plan: 'Pro',
        currency: 'sar',
        type: 'demo',
      },
      { readAt: '2024-01-01T00:00:00.000Z' },
    );
    expect(profile).toEqual({
      name: 'Demo Store',
      domain: 'https://salla.sa/demo',
      plan: 'pro',
      currency: 'SAR',
      storeType: 'demo',
      readAt: '2024-01-01T00:00:00.000Z',
    });
  });
});

describe("Salla's time formats", () => {
  it.each([
    [
      { date: '2022-06-26 12:21:45.000000', timezone_type: 3, timezone: 'Asia/Riyadh' },
      '2022-06-26T09:21:45.000Z',
    ],
    [{ date: '2022-06-26 12:21:45.000000', timezone_type: 3, timezone: 'UTC' }, '2022-06-26T12:21:45.000Z'],
    [
      { date: '2022-01-15 12:00:00.000000', timezone_type: 3, timezone: 'Europe/Berlin' },
      '2022-01-15T11:00:00.000Z',
    ],
    [
      { date: '2022-07-15 12:00:00.000000', timezone_type: 1, timezone: '+02:00' },
      '2022-07-15T10:00:00.000Z',
    ],
    ['2023-04-17 12:14:21', '2023-04-17T09:14:21.000Z'],
    ['2023-07-27', '2023-07-26T21:00:00.000Z'],
    ['2021-10-09T21:00:00.000000Z', '2021-10-09T21:00:00.000Z'],
    [1634819484, '2021-10-21T12:31:24.000Z'],
    ['2022-02-30 10:00:00', undefined],
    ['yesterday', undefined],
    [null, undefined],
  ])('%p → %p', (value, utc) => {
    expect(sallaTimeToUtc(value)).toBe(utc);
  });
});
