import type { KafkaMessage } from 'kafkajs';

import { validateEvent, type EventEnvelope } from '@app/contracts';

import type { Route } from './consumer-runtime';
import { describeError, InvalidMessageError } from './errors';

/** JSON-decodes and validates the value; throws InvalidMessageError (permanent) when it is not a valid event. */
export async function decodeEvent(message: KafkaMessage, route: Route): Promise<EventEnvelope<object>> {
  if (message.value === null || message.value.length === 0)
    throw new InvalidMessageError('message has no value');
  let raw: unknown;
  try {
    raw = JSON.parse(message.value.toString('utf8'));
  } catch (err) {
    throw new InvalidMessageError(`value is not JSON (${describeError(err)})`);
  }
  const result = await validateEvent(raw, route.payloadClass, route.expectedType);
  if (!result.ok)
    throw new InvalidMessageError(`validation failed: ${result.problems.join('; ')}`, result.problems);
  return result.event;
}
