/** True for a MongoDB duplicate-key error (E11000), from the driver or from mongoose. */
export function isDuplicateKeyError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const code = (err as { code?: unknown }).code;
  return code === 11000 || code === 11001;
}
