import { classifyError, describeError, InvalidMessageError, PermanentError } from '@app/messaging';

describe('classifyError', () => {
  it('a PermanentError (and its subclasses) is permanent', () => {
    expect(classifyError(new PermanentError('order references a deleted store'))).toBe('permanent');
    expect(classifyError(new InvalidMessageError('bad'))).toBe('permanent');
  });

  it('an object marked permanent: true is permanent (survives copies across realms)', () => {
    expect(classifyError({ permanent: true, message: 'x' })).toBe('permanent');
  });

  it('anything else is transient: plain errors, network errors, strings, Nest RPC error objects', () => {
    expect(classifyError(new Error('ECONNRESET'))).toBe('transient');
    expect(classifyError(new TypeError('oops'))).toBe('transient');
    expect(classifyError('boom')).toBe('transient');
    expect(classifyError({ status: 'error', message: 'Internal server error' })).toBe('transient');
    expect(classifyError(undefined)).toBe('transient');
    expect(classifyError({ permanent: 'yes' })).toBe('transient');
  });
});

describe('describeError', () => {
  it('names the error class and message', () => {
    expect(describeError(new PermanentError('gone'))).toBe('PermanentError: gone');
    expect(describeError({ status: 'error', message: 'Internal server error' })).toBe(
      'Internal server error',
    );
    expect(describeError('plain')).toBe('plain');
    expect(describeError({ code: 7 })).toBe('{"code":7}');
  });
});
