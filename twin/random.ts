import { createHash } from 'node:crypto';

/**
 * Seeded random numbers: one independent stream per purpose (train arrivals, truck arrivals, crane durations…),
 * so that changing one resource of a scenario (a crane more) leaves every other draw, the trucks included, the same.
 */
export type Random = () => number;

/** A stream of uniform draws in [0, 1) from the seed and the stream's name (mulberry32). */
export function randomStream(seed: number, stream: string): Random {
  let state = createHash('sha256').update(`${seed}\u0000${stream}`).digest().readUInt32BE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One of the weighted values. */
export function pickWeighted<T>(random: Random, weighted: readonly (readonly [T, number])[]): T {
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
  let draw = random() * total;
  for (const [value, weight] of weighted) {
    draw -= weight;
    if (draw < 0) return value;
  }
  return (weighted.at(-1) as readonly [T, number])[0];
}

/** A whole number from `min` to `max`, both included. */
export const between = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
