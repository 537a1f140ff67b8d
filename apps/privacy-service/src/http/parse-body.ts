import { BadRequestException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';

/** Validates a JSON body against a class-validator class; 400 listing every problem (no values echoed). */
export async function parseBody<T extends object>(cls: new () => T, body: unknown): Promise<T> {
  const plain = body === undefined || body === null ? {} : body;
  if (typeof plain !== 'object' || Array.isArray(plain))
    throw new BadRequestException('body must be a JSON object');
  const instance = plainToInstance(cls, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const problems = errors.flatMap((e) =>
      Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }),
    );
    throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: problems });
  }
  return instance;
}
