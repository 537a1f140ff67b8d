import type { SeededRandom } from '../random';

/** A valid EAN-13 with Saudi Arabia's GS1 prefix 628 (check digit computed, so scanners would accept it). */
export function ean13(random: SeededRandom): string {
  let digits = '628';
  while (digits.length < 12) digits += String(random.int(0, 9));
  const sum = [...digits].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return digits + String((10 - (sum % 10)) % 10);
}
