import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

import { ConfigValidationError } from './config-error';

type Ctor<T> = new () => T;

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const own = Object.values(e.constraints ?? {}).map((msg) => `${prefix}${e.property}: ${msg}`);
    return [...own, ...flatten(e.children ?? [], `${prefix}${e.property}.`)];
  });
}

/**
 * Validates `env` once against a class-validator schema and returns the typed object.
 * Empty strings count as unset so `FOO=` in a compose file falls back to the default.
 */
export function loadConfig<T extends object>(schema: Ctor<T>, env: NodeJS.ProcessEnv, service: string): T {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const instance = plainToInstance(schema, cleaned, {
    enableImplicitConversion: false,
    exposeDefaultValues: true,
  });
  const errors = validateSync(instance, { whitelist: false, forbidUnknownValues: true });
  const problems = flatten(errors);
  if (problems.length > 0) throw new ConfigValidationError(service, problems);
  return instance;
}
