import { outcomeOf } from '../../src/odoo-client/odoo-metrics';

describe('Odoo call outcome labels', () => {
  it('names success, HTTP failures, timeouts, network errors and refused URLs apart', () => {
    expect(outcomeOf(200, undefined)).toBe('ok');
    expect(outcomeOf(503, undefined)).toBe('http_503');
    expect(outcomeOf(undefined, new Error('Odoo at https://x did not answer within 30 s'))).toBe('timeout');
    expect(outcomeOf(undefined, new Error('connect ECONNRESET'))).toBe('network');
    const refused = new Error('refused');
    refused.name = 'OdooUrlRefusedError';
    expect(outcomeOf(undefined, refused)).toBe('refused');
  });
});
