import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';

/**
 * Query or body → validated DTO instance, or 400 naming the offending fields (names and rules only, never
 * the values sent). Unknown fields are refused, so a typo in a filter is not silently ignored.
 */
export async function validInput<T extends object>(cls: new () => T, input: unknown): Promise<T> {
  const plain = input && typeof input === 'object' && !Array.isArray(input) ? input : {};
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const problems = errors.map(
      (e) => `${e.property}: ${Object.keys(e.constraints ?? { invalid: '' }).join(', ')}`,
    );
    throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: problems });
  }
  return instance;
}

/** Integer query parameter with bounds, as a class-transformer `@Transform` helper. */
export const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d{1,9}$/.test(value) ? Number(value) : value;

/** ISO-8601 query parameter → Date (an unparseable value stays a string and fails `@IsDate`). */
export const toDate = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(value))
    return value;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d;
};

/** The `:id` path parameter as a store id, or 400. */
export function storeIdParam(id: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new BadRequestException();
  return id;
}
