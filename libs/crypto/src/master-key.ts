import { createHmac, createSecretKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';

import { MasterKeyConfigError } from './errors';

/** Environment fields the master key comes from (a validated `BaseEnv` satisfies it). */
export interface MasterKeyEnv {
  MASTER_KEY?: string;
  MASTER_KEY_FILE?: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HOW_TO = 'generate one with `openssl rand -base64 32`';

/**
 * The key that wraps every store's data key. The bytes live in a KeyObject, so logging, inspecting or
 * JSON-serialising a MasterKey shows only its fingerprint `id`.
 */
export class MasterKey {
  /** Short fingerprint (16 hex chars, HMAC-SHA256 of a fixed label): identifies the key, reveals nothing. */
  readonly id: string;
  readonly #key: KeyObject;

  private constructor(raw: Buffer) {
    this.#key = createSecretKey(raw);
    this.id = createHmac('sha256', raw).update('salla-odoo-sync/master-key-id/v1').digest('hex').slice(0, 16);
  }

  /** From the base64 text (surrounding whitespace ignored); `source` names it in error messages. */
  static fromBase64(text: string, source = 'MASTER_KEY'): MasterKey {
    const trimmed = text.trim();
    if (trimmed === '') throw new MasterKeyConfigError(`${source} is empty; ${HOW_TO}`);
    if (!BASE64.test(trimmed) || trimmed.length % 4 !== 0) {
      throw new MasterKeyConfigError(`${source} is not valid base64; ${HOW_TO}`);
    }
    const raw = Buffer.from(trimmed, 'base64');
    try {
      if (raw.length !== 32) {
        throw new MasterKeyConfigError(
          `${source} must decode to exactly 32 bytes (got ${raw.length}); ${HOW_TO}`,
        );
      }
      return new MasterKey(raw);
    } finally {
      raw.fill(0);
    }
  }

  /** For AES-256-GCM; stays inside this lib. */
  get keyObject(): KeyObject {
    return this.#key;
  }

  toJSON(): { id: string } {
    return { id: this.id };
  }

  [inspect.custom](): string {
    return `MasterKey(${this.id})`;
  }
}

/**
 * Reads the master key from `MASTER_KEY` (base64 of exactly 32 bytes) or from the file named by
 * `MASTER_KEY_FILE` (its trimmed content, same format). Throws `MasterKeyConfigError` with a clear message
 * when neither or both are set, the file cannot be read, or the value is not 32 bytes of base64.
 */
export function loadMasterKey(
  env: MasterKeyEnv,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): MasterKey {
  const inline = env.MASTER_KEY?.trim() ? env.MASTER_KEY : undefined;
  const file = env.MASTER_KEY_FILE?.trim() ? env.MASTER_KEY_FILE.trim() : undefined;
  if (inline !== undefined && file !== undefined) {
    throw new MasterKeyConfigError('both MASTER_KEY and MASTER_KEY_FILE are set; set exactly one');
  }
  if (inline !== undefined) return MasterKey.fromBase64(inline, 'MASTER_KEY');
  if (file !== undefined) {
    let text: string;
    try {
      text = readFile(file);
    } catch (err) {
      const code = typeof err === 'object' && err !== null ? (err as NodeJS.ErrnoException).code : undefined;
      const reason = typeof code === 'string' ? code : 'unreadable';
      throw new MasterKeyConfigError(`MASTER_KEY_FILE ${file} cannot be read (${reason})`, { cause: err });
    }
    return MasterKey.fromBase64(text, `MASTER_KEY_FILE ${file}`);
  }
  throw new MasterKeyConfigError(
    `no master key: set MASTER_KEY (base64 of 32 random bytes) or MASTER_KEY_FILE (path to a file holding it); ${HOW_TO}`,
  );
}
