/**
 * A small seeded PRNG (mulberry32) so a fuzz run is reproducible from its seed. Each case draws from its own
 * generator, seeded from (run seed, case index), so one failing case can be replayed alone (FUZZ_ONLY).
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The generator for case `index` of the run seeded with `seed`. */
  static forCase(seed: number, index: number): Prng {
    // Mix the two so neighbouring cases do not start from neighbouring states.
    let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
    return new Prng(h ^ (h >>> 15));
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)];
  }

  /** One of `options`, with probability proportional to its weight. */
  weighted<T>(options: ReadonlyArray<readonly [weight: number, value: T]>): T {
    const total = options.reduce((sum, [w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [weight, value] of options) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return options[options.length - 1][1];
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.int(0, 255);
    return out;
  }
}

/** A seed from the environment (decimal), or a fresh one; printed by the suite either way. */
export function seedFromEnv(value: string | undefined): number {
  if (value !== undefined && value.trim() !== '') {
    const parsed = Number(value);
    if (!Number.isInteger(parsed)) throw new Error(`FUZZ_SEED must be an integer, got ${value}`);
    return parsed >>> 0;
  }
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}
