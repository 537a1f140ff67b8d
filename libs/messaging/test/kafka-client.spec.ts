import { logLevel } from 'kafkajs';

import { effectiveKafkaLogLevel } from '@app/messaging';

describe('kafkajs log levels', () => {
  it('writes broker answers kafkajs retries by itself as warnings, not errors', () => {
    for (const error of [
      'Topic creation errors',
      "The coordinator is loading and hence can't process requests",
      'This is not the correct coordinator for this group',
      'There is no leader for this topic-partition as we are in the middle of a leadership election',
    ]) {
      expect(effectiveKafkaLogLevel(logLevel.ERROR, { error })).toBe(logLevel.WARN);
    }
  });

  it('keeps real errors as errors and leaves other levels alone', () => {
    expect(effectiveKafkaLogLevel(logLevel.ERROR, { error: 'Connection timeout' })).toBe(logLevel.ERROR);
    expect(effectiveKafkaLogLevel(logLevel.ERROR, {})).toBe(logLevel.ERROR);
    expect(effectiveKafkaLogLevel(logLevel.INFO, { error: 'Topic creation errors' })).toBe(logLevel.INFO);
  });
});
