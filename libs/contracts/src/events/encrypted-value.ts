import { Equals, IsBase64, IsIn, IsNotEmpty, IsString, Length, MaxLength } from 'class-validator';

/** The only algorithm a `v: 1` blob may use. */
export const ENCRYPTED_VALUE_ALGORITHM = 'AES-256-GCM';

/**
 * A secret as it travels through Kafka: sealed with AES-256-GCM by `@app/crypto`, which produces exactly this
 * shape (this class is its contract; the crypto lib does the sealing and opening). Kafka keeps messages for
 * days and dead-letter topics even longer, so an access token, refresh token or Odoo API key that entered a
 * topic in plaintext would outlive its rotation. A field typed `EncryptedValue` rejects a bare string, so a
 * producer that forgets to encrypt gets a validation failure in tests instead of a leak in production.
 *
 * All binary parts are standard base64 (with padding).
 */
export class EncryptedValue {
  /** Format version: lets the crypto lib change layout later without guessing. */
  @Equals(1)
  v!: 1;

  @IsIn([ENCRYPTED_VALUE_ALGORITHM])
  alg!: typeof ENCRYPTED_VALUE_ALGORITHM;

  /** Which data key sealed it; the opener picks that key, which is what makes key rotation possible. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  keyId!: string;

  /** 96-bit GCM nonce (12 bytes → 16 base64 chars), unique per sealing. */
  @IsBase64()
  @Length(16, 16, { message: 'iv must be a 12-byte nonce (16 base64 characters)' })
  iv!: string;

  /** Full 128-bit GCM authentication tag (24 base64 chars); a truncated tag is refused here already. */
  @IsBase64()
  @Length(24, 24, { message: 'tag must be a 16-byte GCM tag (24 base64 characters)' })
  tag!: string;

  /** The ciphertext. */
  @IsBase64()
  @IsNotEmpty()
  ct!: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Structural check of the same rules without class-validator, for places where a blob sits inside free-form
 * JSON (the `data` of a raw Salla webhook) and cannot carry decorators.
 */
export function isEncryptedValue(value: unknown): value is EncryptedValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  const b64 = (x: unknown, len?: number): boolean =>
    typeof x === 'string' && x.length > 0 && BASE64.test(x) && (len === undefined || x.length === len);
  return (
    o.v === 1 &&
    o.alg === ENCRYPTED_VALUE_ALGORITHM &&
    typeof o.keyId === 'string' &&
    o.keyId.length > 0 &&
    b64(o.iv, 16) &&
    b64(o.tag, 24) &&
    b64(o.ct)
  );
}
