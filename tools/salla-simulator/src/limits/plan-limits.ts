import type { SallaPlan } from '../salla-types';

/** Requests per minute per store, by plan (Salla's published limits; Basic is treated like Plus). */
export const PLAN_REQUESTS_PER_MINUTE: Record<SallaPlan, number> = {
  basic: 120,
  plus: 120,
  pro: 360,
  special: 720,
};
