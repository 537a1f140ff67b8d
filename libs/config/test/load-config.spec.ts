import { IsString } from 'class-validator';

import { BaseEnv, ConfigValidationError, loadConfig } from '../src';

class ExampleEnv extends BaseEnv {
  @IsString()
  REQUIRED_SECRET!: string;
}

describe('loadConfig', () => {
  it('applies defaults and parses numbers', () => {
    const cfg = loadConfig(ExampleEnv, { REQUIRED_SECRET: 's', HTTP_PORT: '8080', LOG_LEVEL: '' }, 'example');
    expect(cfg.HTTP_PORT).toBe(8080);
    expect(cfg.LOG_LEVEL).toBe('info');
    expect(cfg.KAFKA_BROKERS).toBe('127.0.0.1:9092');
  });

  it('refuses to start and lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig(
        ExampleEnv,
        { HTTP_PORT: 'eighty', KAFKA_BROKERS: 'nope', MONGODB_URI: 'postgres://x' },
        'example',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    expect(problems).toMatch(/HTTP_PORT/);
    expect(problems).toMatch(/KAFKA_BROKERS/);
    expect(problems).toMatch(/MONGODB_URI/);
    expect(problems).toMatch(/REQUIRED_SECRET/);
    expect((error as Error).message).toMatch(/refusing to start/);
  });
});
