import { APP_CONFIG } from '@app/config';

/** Token of the participant's own settings, read once from the service's validated configuration. */
export const PRIVACY_PARTICIPANT_SETTINGS = Symbol('PRIVACY_PARTICIPANT_SETTINGS');

export interface PrivacyParticipantSettings {
  /**
   * How long after erasing a store the participant deletes whatever was written for it since (a handler that
   * was still busy with an earlier event of the store). 0 turns the in-process pass off. Default 10 s.
   */
  lateWriteSweepMs: number;
  /**
   * How long `StoreErasureGuard` trusts a "this store is not erased" answer before reading the erasure marks
   * again. Must stay well below `lateWriteSweepMs`: a write let through on a stale answer is swept. Default 1 s.
   */
  notErasedCacheMs: number;
  /** The shared database that holds the erasure marks next to the key ring (KEYRING_DB). */
  marksDbName: string;
}

export const DEFAULT_PARTICIPANT_SETTINGS: PrivacyParticipantSettings = {
  lateWriteSweepMs: 10_000,
  notErasedCacheMs: 1_000,
  marksDbName: 'keyring',
};

function milliseconds(config: Record<string, unknown>, name: string, fallback: number): number {
  const raw = config[name];
  if (raw === undefined || raw === null || raw === '') return fallback;
  const value =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < 0 || value > 3_600_000)
    throw new Error(`${name} must be a whole number of milliseconds between 0 and 3600000`);
  return value;
}

/**
 * Every service's env class extends `BaseEnv`, which keeps variables it does not declare; the participant
 * reads its two optional ones here instead of making every service declare them. An invalid value stops the
 * service at start, like any other configuration error.
 */
export function participantSettingsOf(config: object | undefined): PrivacyParticipantSettings {
  const env = (config ?? {}) as Record<string, unknown>;
  const keyringDb = env.KEYRING_DB;
  return {
    lateWriteSweepMs: milliseconds(
      env,
      'PRIVACY_LATE_WRITE_SWEEP_MS',
      DEFAULT_PARTICIPANT_SETTINGS.lateWriteSweepMs,
    ),
    notErasedCacheMs: milliseconds(
      env,
      'PRIVACY_NOT_ERASED_CACHE_MS',
      DEFAULT_PARTICIPANT_SETTINGS.notErasedCacheMs,
    ),
    marksDbName:
      typeof keyringDb === 'string' && keyringDb !== ''
        ? keyringDb
        : DEFAULT_PARTICIPANT_SETTINGS.marksDbName,
  };
}

export const participantSettingsProvider = {
  provide: PRIVACY_PARTICIPANT_SETTINGS,
  useFactory: (config?: object) => participantSettingsOf(config),
  inject: [{ token: APP_CONFIG, optional: true }],
};
