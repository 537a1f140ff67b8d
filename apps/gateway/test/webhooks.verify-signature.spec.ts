import { createHmac } from 'node:crypto';

import { sallaSignature, verifySallaDelivery } from '../src/webhooks/verify-signature';

const SECRET = 'unit-test-webhook-secret';
const BODY = Buffer.from('{"event":"order.created","merchant":1305146709,"data":{"id":1,"name":"قميص"}}');
const signed = (body: Buffer = BODY, secret = SECRET): Record<string, string> => ({
  'x-salla-security-strategy': 'Signature',
  'x-salla-signature': createHmac('sha256', secret).update(body).digest('hex'),
});

describe('webhook verification', () => {
  describe('Signature strategy', () => {
    it('accepts the lower-case hex HMAC-SHA256 of the exact body bytes', () => {
      expect(verifySallaDelivery(signed(), BODY, SECRET)).toEqual({ ok: true, strategy: 'signature' });
      expect(sallaSignature(BODY, SECRET)).toBe(signed()['x-salla-signature']);
    });

    it('accepts the strategy name and the hex in any case', () => {
      const headers = {
        'x-salla-security-strategy': 'signature',
        'x-salla-signature': signed()['x-salla-signature'].toUpperCase(),
      };
      expect(verifySallaDelivery(headers, BODY, SECRET).ok).toBe(true);
    });

    it('refuses a body with one byte changed after signing', () => {
      const headers = signed();
      const tampered = Buffer.from(BODY);
      tampered[10] ^= 0x01;
      expect(verifySallaDelivery(headers, tampered, SECRET)).toEqual({ ok: false, reason: 'bad-signature' });
    });

    it('refuses a signature made with another secret', () => {
      expect(verifySallaDelivery(signed(BODY, 'another-secret'), BODY, SECRET)).toEqual({
        ok: false,
        reason: 'bad-signature',
      });
    });

    it('refuses a truncated, padded or non-hex signature without throwing', () => {
      const good = signed()['x-salla-signature'];
      for (const signature of [good.slice(0, 63), `${good}00`, 'z'.repeat(64), good.slice(0, 32)]) {
        const headers = { 'x-salla-security-strategy': 'Signature', 'x-salla-signature': signature };
        expect(verifySallaDelivery(headers, BODY, SECRET)).toEqual({ ok: false, reason: 'bad-signature' });
      }
    });

    it('refuses a missing signature, and a signature sent twice', () => {
      expect(verifySallaDelivery({ 'x-salla-security-strategy': 'Signature' }, BODY, SECRET)).toEqual({
        ok: false,
        reason: 'missing-signature',
      });
      const good = signed()['x-salla-signature'];
      const twice = { 'x-salla-security-strategy': 'Signature', 'x-salla-signature': [good, good] };
      expect(verifySallaDelivery(twice, BODY, SECRET)).toEqual({ ok: false, reason: 'missing-signature' });
    });

    it('does not accept the secret itself as a signature', () => {
      const headers = { 'x-salla-security-strategy': 'Signature', 'x-salla-signature': SECRET };
      expect(verifySallaDelivery(headers, BODY, SECRET).ok).toBe(false);
    });
  });

  describe('Token strategy', () => {
    const token = (authorization?: string): Record<string, string> => ({
      'x-salla-security-strategy': 'Token',
      ...(authorization === undefined ? {} : { authorization }),
    });

    it('accepts the secret in Authorization, bare or as a Bearer token', () => {
      expect(verifySallaDelivery(token(SECRET), BODY, SECRET)).toEqual({ ok: true, strategy: 'token' });
      expect(verifySallaDelivery(token(`Bearer ${SECRET}`), BODY, SECRET).ok).toBe(true);
      expect(verifySallaDelivery(token(`bearer ${SECRET}`), BODY, SECRET).ok).toBe(true);
    });

    it('refuses a wrong, partial or extended token and a missing Authorization', () => {
      for (const wrong of ['wrong', SECRET.slice(0, -1), `${SECRET}x`, `Basic ${SECRET}`, `Bearer`]) {
        expect(verifySallaDelivery(token(wrong), BODY, SECRET)).toEqual({ ok: false, reason: 'bad-token' });
      }
      expect(verifySallaDelivery(token(), BODY, SECRET)).toEqual({ ok: false, reason: 'missing-token' });
    });

    it('does not accept a valid HMAC signature under the Token strategy', () => {
      const headers = { ...signed(), 'x-salla-security-strategy': 'Token' };
      expect(verifySallaDelivery(headers, BODY, SECRET).ok).toBe(false);
    });
  });

  it('refuses a delivery without a strategy, or with one it does not know, even if otherwise signed', () => {
    const { 'x-salla-signature': signature } = signed();
    expect(verifySallaDelivery({ 'x-salla-signature': signature }, BODY, SECRET)).toEqual({
      ok: false,
      reason: 'missing-strategy',
    });
    expect(
      verifySallaDelivery(
        { 'x-salla-security-strategy': 'None', 'x-salla-signature': signature },
        BODY,
        SECRET,
      ),
    ).toEqual({ ok: false, reason: 'unknown-strategy' });
  });
});
