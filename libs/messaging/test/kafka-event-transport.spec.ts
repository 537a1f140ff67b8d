import { Kafka } from 'kafkajs';
import { lastValueFrom } from 'rxjs';

import { EventPublisher, KafkaEventTransport, KeepOriginalErrorFilter, PermanentError } from '@app/messaging';

// No broker is contacted: listen() validates the handler table before anything connects.
function transport(): KafkaEventTransport {
  const kafka = new Kafka({ clientId: 't', brokers: ['127.0.0.1:1'] });
  return new KafkaEventTransport({
    kafka,
    publisher: new EventPublisher(kafka),
    groupId: 'g',
    service: 's',
    maxAttempts: 3,
    retryBaseMs: 10,
    shutdownTimeoutMs: 1000,
    topicSpecs: [],
  });
}

describe('KafkaEventTransport', () => {
  it('refuses to listen when a handler has no payload class (plain @EventPattern)', () => {
    const t = transport();
    t.addHandler('some.topic.happened.v1', () => Promise.resolve(undefined as never), true, {});
    const cb = jest.fn();
    t.listen(cb);
    expect(cb).toHaveBeenCalledWith(
      expect.objectContaining({ message: expect.stringMatching(/no payload class/) }),
    );
    expect(t.state().status).toBe('idle');
  });

  it('refuses request/response handlers (@MessagePattern)', () => {
    const t = transport();
    t.addHandler('some.topic.happened.v1', () => Promise.resolve(undefined as never), false, {
      payloadClass: class {},
    });
    const cb = jest.fn();
    t.listen(cb);
    expect(cb).toHaveBeenCalledWith(
      expect.objectContaining({ message: expect.stringMatching(/not supported/) }),
    );
  });

  it('close() before listen is a no-op and unwrap() explains it is not started', async () => {
    const t = transport();
    await expect(t.close()).resolves.toBeUndefined();
    expect(() => t.unwrap()).toThrow(/listen/);
  });
});

describe('KeepOriginalErrorFilter', () => {
  it('hands the original error back instead of Nest’s generic "Internal server error"', async () => {
    const err = new PermanentError('store uninstalled');
    await expect(lastValueFrom(new KeepOriginalErrorFilter().catch(err))).rejects.toBe(err);
  });
});
