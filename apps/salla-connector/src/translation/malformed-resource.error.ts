import { PermanentError } from '@app/messaging';

/**
 * A Salla resource the connector cannot turn into a canonical event: a required field is missing or has a
 * shape no Salla version has sent. Retrying cannot fix the data, so it is permanent (dead-lettered at once).
 * The message names the resource and the field, never the field's value: values can be personal data or
 * secrets, and this message ends up in logs and in the `x-dlt-reason` header.
 */
export class MalformedSallaResourceError extends PermanentError {
  constructor(
    /** 'order 2116149737', 'product', 'app.settings.updated' … */
    readonly resource: string,
    /** Path of the offending field inside the resource, e.g. `items[0].quantity`. */
    readonly field: string,
    problem: string,
  ) {
    super(`Salla ${resource}: ${field} ${problem}`);
    this.name = 'MalformedSallaResourceError';
  }
}

/** Names one resource in error messages, so every mapper reports problems the same way. */
export class ResourceLabel {
  constructor(private readonly label: string) {}

  static of(kind: string, id: string | undefined): ResourceLabel {
    return new ResourceLabel(id === undefined ? kind : `${kind} ${id}`);
  }

  malformed(field: string, problem: string): MalformedSallaResourceError {
    return new MalformedSallaResourceError(this.label, field, problem);
  }

  toString(): string {
    return this.label;
  }
}
