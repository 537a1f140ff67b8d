import { sallaSignature } from '../../src/webhooks/verify-signature';

import type { Prng } from './prng';

/** Raw request headers, in order, duplicates allowed (sent as written, names in the case given). */
export type RawHeaders = Array<[name: string, value: string]>;

export interface AuthHeaders {
  headers: RawHeaders;
  /** Whether these headers authenticate the body they were made for (if the body is unchanged afterwards). */
  authentic: boolean;
  label: string;
}

/** Header names as a client might spell them; HTTP header names are case-insensitive. */
function spell(rng: Prng, name: string): string {
  return rng.pick([
    name,
    name.toUpperCase(),
    name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase()),
  ]);
}

/**
 * Salla's authentication headers for `signedBytes`, correct or broken in one of many ways. Valid variants
 * (case of names and hex, whitespace around values, `Bearer`) are on purpose: the gateway must accept them,
 * and the suite knows which are valid so it can tell a forged enqueue from a legitimate one.
 */
export function authHeaders(
  rng: Prng,
  signedBytes: Buffer,
  secret: string,
  forceValid: boolean,
): AuthHeaders {
  const strategyName = spell(rng, 'x-salla-security-strategy');
  const signatureName = spell(rng, 'x-salla-signature');
  const authorizationName = spell(rng, 'authorization');
  const good = sallaSignature(signedBytes, secret);

  const valid = (): AuthHeaders =>
    rng.weighted<() => AuthHeaders>([
      [
        6,
        () => ({
          headers: [
            [strategyName, 'Signature'],
            [signatureName, good],
          ],
          authentic: true,
          label: 'signature',
        }),
      ],
      [
        1,
        () => ({
          headers: [
            [strategyName, 'signature'],
            [signatureName, good.toUpperCase()],
          ],
          authentic: true,
          label: 'signature upper-case hex',
        }),
      ],
      [
        1,
        () => ({
          headers: [
            [strategyName, ' SIGNATURE '],
            [signatureName, ` ${good} `],
          ],
          authentic: true,
          label: 'signature padded',
        }),
      ],
      [
        2,
        () => ({
          headers: [
            [strategyName, 'Token'],
            [authorizationName, secret],
          ],
          authentic: true,
          label: 'token',
        }),
      ],
      [
        1,
        () => ({
          headers: [
            [strategyName, 'token'],
            [authorizationName, `Bearer ${secret}`],
          ],
          authentic: true,
          label: 'token bearer',
        }),
      ],
      [
        1,
        () => ({
          headers: [
            [strategyName, 'Token'],
            [authorizationName, `bearer   ${secret} `],
          ],
          authentic: true,
          label: 'token bearer padded',
        }),
      ],
    ])();
  if (forceValid) return valid();

  const sig = (value: string, label: string): AuthHeaders => ({
    headers: [
      [strategyName, 'Signature'],
      [signatureName, value],
    ],
    authentic: false,
    label,
  });
  const token = (value: string, label: string): AuthHeaders => ({
    headers: [
      [strategyName, 'Token'],
      [authorizationName, value],
    ],
    authentic: false,
    label,
  });
  const hex = (n: number): string =>
    rng
      .bytes(Math.ceil(n / 2))
      .toString('hex')
      .slice(0, n);

  return rng.weighted<() => AuthHeaders>([
    [3, valid],
    [1, () => ({ headers: [[signatureName, good]], authentic: false, label: 'no strategy header' })],
    [1, () => ({ headers: [[strategyName, 'Signature']], authentic: false, label: 'no signature header' })],
    [1, () => ({ headers: [[strategyName, 'Token']], authentic: false, label: 'no authorization header' })],
    [1, () => ({ headers: [], authentic: false, label: 'no auth headers' })],
    [
      2,
      () => {
        const name = rng.pick([
          '',
          ' ',
          'Sig',
          'HMAC',
          'Signature2',
          'Token;',
          'none',
          'Signature, Token',
          'Sïgnature',
          'signaturé',
          'Basic',
        ]);
        return {
          headers: [
            [strategyName, name],
            [signatureName, good],
            [authorizationName, secret],
          ],
          authentic: false,
          label: `strategy ${JSON.stringify(name)}`,
        };
      },
    ],
    [
      1,
      () => ({
        headers: [
          [strategyName, 'Signature'],
          [strategyName, 'Signature'],
          [signatureName, good],
        ],
        authentic: false,
        label: 'strategy header twice',
      }),
    ],
    [
      1,
      () => ({
        headers: [
          [strategyName, 'Signature'],
          [signatureName, good],
          [signatureName, good],
        ],
        authentic: false,
        label: 'signature header twice',
      }),
    ],
    [
      1,
      () => ({
        headers: [
          [strategyName, 'Signature'],
          [signatureName, hex(64)],
          [signatureName, good],
        ],
        authentic: false,
        label: 'garbage then good signature',
      }),
    ],
    [2, () => sig(hex(64), 'random signature')],
    [1, () => sig(good.slice(0, 63), '63 hex digits')],
    [1, () => sig(`${good}0`, '65 hex digits')],
    [1, () => sig(`sha256=${good}`, 'sha256= prefix')],
    [
      1,
      () =>
        sig(
          good.replace(/[0-9a-f]$/, (c) => (c === '0' ? '1' : '0')),
          'last hex digit changed',
        ),
    ],
    [1, () => sig(sallaSignature(signedBytes, `${secret}x`), 'signed with another secret')],
    [1, () => sig(Buffer.from(good, 'hex').toString('base64'), 'base64 signature')],
    [1, () => sig('zz'.repeat(32), 'non-hex signature')],
    [1, () => sig('a'.repeat(rng.pick([1_000, 8_000])), 'long signature')],
    [
      1,
      () => ({
        headers: [
          [strategyName, 'Token'],
          [signatureName, good],
        ],
        authentic: false,
        label: 'token strategy, signature sent',
      }),
    ],
    [
      1,
      () => ({
        headers: [
          [strategyName, 'Signature'],
          [authorizationName, secret],
        ],
        authentic: false,
        label: 'signature strategy, token sent',
      }),
    ],
    [
      2,
      () =>
        token(
          rng.pick([
            '',
            ' ',
            'Bearer',
            'Bearer ',
            secret.toUpperCase(),
            secret.slice(0, -1),
            `${secret}x`,
            `Basic ${secret}`,
            `Bearer  Bearer ${secret}`,
            `${secret}é`,
          ]),
          'wrong token',
        ),
    ],
    [1, () => token('A'.repeat(rng.pick([4_000, 12_000])), 'huge token')],
  ])();
}
