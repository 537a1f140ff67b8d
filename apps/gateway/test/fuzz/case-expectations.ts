import { isHandledSallaEvent } from '@app/contracts';

import type { FuzzAnswer } from './fuzz-client';
import type { FuzzCase } from './fuzz-cases';

export type IntakeAnswer = 'accepted' | 'duplicate' | 'ignored' | 'other';

/** What a 200 said, read from its JSON body. */
export function intakeAnswerOf(answer: FuzzAnswer): IntakeAnswer {
  if (answer.status !== 200) return 'other';
  try {
    const json = JSON.parse(answer.body) as Record<string, unknown>;
    if (json.accepted === true) return 'accepted';
    if (json.duplicate === true) return 'duplicate';
    if (json.ignored === true) return 'ignored';
  } catch {
    // not JSON: 'other'
  }
  return 'other';
}

/**
 * The promises a single answer must keep, as a list of broken ones (empty = fine). `original` is the answer
 * to the case a replay repeats.
 */
export function brokenPromises(
  c: FuzzCase,
  answer: FuzzAnswer,
  bodyLimit: number,
  original?: FuzzAnswer,
): string[] {
  const broken: string[] = [];
  const { status } = answer;
  if (status === 'timeout') return ['no answer within the bound (hang)'];
  if (status === 'transport') return [`connection failed without an answer: ${answer.error ?? '?'}`];
  // Kafka is up during the fuzz, so even the documented 503 (Kafka down) must not appear.
  if (status >= 500) broken.push(`server error ${status}`);
  if (!c.authentic && status >= 200 && status < 300) broken.push('unauthenticated request answered 2xx');

  const said = intakeAnswerOf(answer);
  if (c.kind === 'valid') {
    const { event } = JSON.parse(c.body.toString('utf8')) as { event: string };
    const expected = isHandledSallaEvent(event) ? 'accepted' : 'ignored';
    if (said !== expected)
      broken.push(`a genuine Salla webhook (${event}) was answered ${status} ${said}, not ${expected}`);
  }
  const isIntake = c.method === 'POST' && c.path === '/webhooks/salla';
  if (isIntake && c.body.length > bodyLimit && status !== 413)
    broken.push(`body over the limit answered ${status}, not 413`);

  if (c.replayOf !== undefined && original !== undefined) {
    const before = intakeAnswerOf(original);
    if (before === 'accepted' || before === 'duplicate') {
      if (said !== 'duplicate')
        broken.push(`replay of an accepted delivery answered ${status} ${said}, not duplicate`);
    } else if (status !== original.status) {
      broken.push(`replay answered ${status}, the original ${String(original.status)}`);
    }
  }
  return broken;
}
