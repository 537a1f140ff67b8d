import { parseSallaCreatedAt } from '../src/webhooks/parse-created-at';
import { parseEnvelope, parseEventName, parseMerchant } from '../src/webhooks/parse-envelope';

describe('created_at parsing', () => {
  it.each([
    // App events: Salla's local time, Asia/Riyadh (UTC+3).
    ['2022-12-31 12:31:25', '2022-12-31T09:31:25.000Z'],
    ['2023-01-01 01:00:00', '2022-12-31T22:00:00.000Z'],
    ['2022-06-26T12:21:48', '2022-06-26T09:21:48.000Z'], // no zone written: Salla's local time, like the above
    // Store events: Date#toString() with its offset.
    ['Sun Jun 26 2022 12:21:48 GMT+0300', '2022-06-26T09:21:48.000Z'],
    ['Wed Jul 7 2021 14:50:48 GMT+0300', '2021-07-07T11:50:48.000Z'],
    ['Mon Nov 18 2024 13:21:36 GMT-0530', '2024-11-18T18:51:36.000Z'],
    ['Sun Jun 26 2022 12:21:48 GMT+0300 (Arabian Standard Time)', '2022-06-26T09:21:48.000Z'],
    ['Thu Jan 01 1970 00:00:00 GMT+0000', '1970-01-01T00:00:00.000Z'],
    // ISO with a zone: not sent by Salla today, accepted so a format change does not lose deliveries.
    ['2022-06-26T09:21:48Z', '2022-06-26T09:21:48.000Z'],
    ['2022-06-26T12:21:48+03:00', '2022-06-26T09:21:48.000Z'],
  ])('%s -> %s', (text, iso) => {
    expect(parseSallaCreatedAt(text)).toBe(iso);
  });

  it.each([
    '',
    'yesterday',
    '2022-02-30 10:00:00', // no such day
    '2022-12-31 24:00:00',
    '2022-12-31',
    'Sun Foo 26 2022 12:21:48 GMT+0300',
    'Sun Jun 31 2022 12:21:48 GMT+0300', // June has 30 days
    'Sun Jun 26 2022 12:21:48 GMT+2500',
    'Sun Jun 26 2022 12:21:48',
    '1656235308',
  ])('refuses %p', (text) => {
    expect(parseSallaCreatedAt(text)).toBeNull();
  });
});

describe('envelope parsing', () => {
  const valid = {
    event: 'order.created',
    merchant: 1305146709,
    created_at: 'Sun Jun 26 2022 12:21:48 GMT+0300',
    data: { id: 1 },
  };

  it('normalises merchant to a string and adds created_at in UTC', () => {
    expect(parseEnvelope(valid)).toEqual({
      ok: true,
      value: {
        event: 'order.created',
        merchant: '1305146709',
        createdAt: 'Sun Jun 26 2022 12:21:48 GMT+0300',
        createdAtUtc: '2022-06-26T09:21:48.000Z',
        data: { id: 1 },
      },
    });
    expect(parseEnvelope({ ...valid, merchant: '1029864349' })).toMatchObject({
      ok: true,
      value: { merchant: '1029864349' },
    });
  });

  it.each([
    [{ ...valid, merchant: undefined }, 'merchant'],
    [{ ...valid, merchant: null }, 'merchant'],
    [{ ...valid, merchant: '' }, 'merchant'],
    [{ ...valid, merchant: 'store-1' }, 'merchant'],
    [{ ...valid, merchant: 0 }, 'merchant'],
    [{ ...valid, merchant: -5 }, 'merchant'],
    [{ ...valid, merchant: 1.5 }, 'merchant'],
    [{ ...valid, merchant: { id: 1 } }, 'merchant'],
    [{ ...valid, event: undefined }, 'event'],
    [{ ...valid, event: 'Order Created' }, 'event'],
    [{ ...valid, created_at: undefined }, 'created_at'],
    [{ ...valid, created_at: 'soon' }, 'created_at'],
    [{ ...valid, created_at: 1656235308 }, 'created_at'],
    [{ ...valid, data: undefined }, 'data'],
    [{ ...valid, data: [1, 2] }, 'data'],
    [{ ...valid, data: 'x' }, 'data'],
    [[valid], 'body'],
    ['order.created', 'body'],
  ])('names the field of an invalid envelope (%#)', (body, field) => {
    const parsed = parseEnvelope(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem.field).toBe(field);
  });

  it('reads the event name alone without judging the rest', () => {
    expect(parseEventName({ event: 'customer.login', merchant: 'whatever' })).toEqual({
      ok: true,
      value: 'customer.login',
    });
  });

  it('accepts merchant ids as numbers or digit strings only', () => {
    expect(parseMerchant(74955415)).toBe('74955415');
    expect(parseMerchant(' 74955415 ')).toBe('74955415');
    expect(parseMerchant('000')).toBeNull();
    expect(parseMerchant(Number.MAX_SAFE_INTEGER + 2)).toBeNull();
  });
});
