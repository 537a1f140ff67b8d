import { deadLetterHeaders, decodeHeaders, MessagingHeaders } from '@app/messaging';

describe('dead-letter headers', () => {
  const info = {
    reason: 'permanent: PermanentError: no such product',
    service: 'odoo-connector',
    sourceTopic: 'catalog.product.upserted.v1',
    sourcePartition: 4,
    sourceOffset: '1234',
    attempts: 3,
    failedAt: new Date('2025-01-02T03:04:05.000Z'),
  };

  it('keeps every original header byte for byte and adds ours', () => {
    const original = { traceparent: Buffer.from('00-abc-def-01'), 'x-custom': 'v', multi: ['a', 'b'] };
    const h = deadLetterHeaders(original, info);
    expect(h.traceparent).toBe(original.traceparent);
    expect(h['x-custom']).toBe('v');
    expect(h.multi).toEqual(['a', 'b']);
    expect(h).toMatchObject({
      [MessagingHeaders.DltReason]: info.reason,
      [MessagingHeaders.DltService]: 'odoo-connector',
      [MessagingHeaders.DltSourceTopic]: 'catalog.product.upserted.v1',
      [MessagingHeaders.DltSourcePartition]: '4',
      [MessagingHeaders.DltSourceOffset]: '1234',
      [MessagingHeaders.Attempt]: '3',
      [MessagingHeaders.DltFailedAt]: '2025-01-02T03:04:05.000Z',
    });
  });

  it('overrides stale x-dlt-* / x-attempt of a replayed message with the latest failure', () => {
    const h = deadLetterHeaders({ 'x-attempt': '5', 'x-dlt-reason': 'old' }, info);
    expect(h['x-attempt']).toBe('3');
    expect(h['x-dlt-reason']).toBe(info.reason);
  });

  it('truncates a very long reason', () => {
    const h = deadLetterHeaders(undefined, { ...info, reason: 'x'.repeat(10_000) });
    expect((h['x-dlt-reason'] as string).length).toBeLessThanOrEqual(2000);
  });
});

describe('decodeHeaders', () => {
  it('decodes buffers as UTF-8, keeps the last of repeated values, skips undefined', () => {
    expect(
      decodeHeaders({ a: Buffer.from('é'), b: 's', c: [Buffer.from('1'), Buffer.from('2')], d: undefined }),
    ).toEqual({ a: 'é', b: 's', c: '2' });
    expect(decodeHeaders(undefined)).toEqual({});
  });
});
