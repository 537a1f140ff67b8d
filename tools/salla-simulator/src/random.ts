/**
 * Deterministic pseudo-random numbers (mulberry32), so seeded stores look the same on every run and a failing
 * test can be replayed. Each store draws from its own stream, seeded from its id.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: string | number) {
    this.state = hashSeed(String(seed));
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

function hashSeed(text: string): number {
  // FNV-1a: spreads similar store ids ("1", "2") into unrelated streams.
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Salla ids are 9–10 digit numbers that reveal nothing about order of creation. Ids are unique across the
 * whole simulator (as on Salla), and deterministic for a given sequence of calls.
 */
export class IdAllocator {
  private readonly used = new Set<number>();

  take(random: SeededRandom): number {
    for (;;) {
      const id = random.int(100_000_000, 2_147_483_647);
      if (!this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
  }

  /** Reserves an id chosen by the caller (addProduct with an explicit id); false when already taken. */
  claim(id: number): boolean {
    if (this.used.has(id)) return false;
    this.used.add(id);
    return true;
  }
}
