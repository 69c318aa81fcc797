/**
 * Bounded-work assertions for the engine's tests. No test asserts an absolute time (speed is
 * measured in bench/dlp/); instead a test runs the same work on inputs of n, (2n,) 4n and asserts
 * that the work grew at most 2.5² times over two doublings (one doubling at most 3×): linear work
 * grows about 4×, quadratic 16×. The measure is process CPU time (not the wall clock, which load
 * from other processes inflates), the least of several runs after a warm-up. The sizes take
 * turns, one run of each per round, so load on a shared machine (which still inflates CPU time a
 * little, through shared caches and the collector's helper threads) falls on every size alike
 * instead of on whichever size happened to run during a busy spell; the least run of each size
 * is its cost with the least such disturbance; a growth that still looks too steep is measured
 * again, twice at most, since quadratic work fails every time. (A count of steps would not do here: the risk these
 * tests guard against is backtracking inside a regex, which only time can see.)
 */
import { expect } from 'vitest';

/** Over two doublings (n → 4n) linear work grows 4×, quadratic 16×; one doubling may be noisier. */
export const MAX_RATIO_OVERALL = 2.5 * 2.5;
export const MAX_RATIO_STEP = 3;

export function cpuMillis(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** A batch shorter than this is mostly clock granularity and noise: repeat the work up to it. */
const MIN_BATCH_MS = 20;

/** Least CPU time of `work` on inputs of each size over `runs` rounds (the sizes in turn within
 *  a round), and the ratio between successive sizes. */
export function growth<I>(sizes: readonly number[], make: (n: number) => I, work: (input: I) => void, runs = 7): { times: number[]; ratios: number[]; overall: number } {
  const inputs = sizes.map(make);
  work(inputs[0]!); // warm-up: the first run pays for compilation
  // Every size repeats its work as often as the smallest needs to fill a batch, so ratios compare like with like.
  const reps = Math.max(1, Math.ceil(MIN_BATCH_MS / Math.max(cpuMillis(() => work(inputs[0]!)), 0.05)));
  const times = inputs.map(() => Infinity);
  for (let r = 0; r < runs; r++) {
    inputs.forEach((input, k) => {
      const t = cpuMillis(() => {
        for (let i = 0; i < reps; i++) work(input);
      }) / reps;
      if (t < times[k]!) times[k] = t;
    });
  }
  return {
    times,
    ratios: times.slice(1).map((t, k) => t / Math.max(times[k]!, 1)),
    overall: times[times.length - 1]! / Math.max(times[0]!, 1),
  };
}

/**
 * Asserts that `work` grows linearly over `sizes` (n, 2n, 4n or n, 4n).
 * @example
 *   expectLinear([10_000, 20_000, 40_000], (n) => 'a@'.repeat(n), (text) => scan(text));
 */
export function expectLinear<I>(sizes: readonly number[], make: (n: number) => I, work: (input: I) => void, label = ''): void {
  // A busy spell on a shared machine can land on one size in every round; quadratic work fails
  // every measurement, so a growth that looks too steep is measured again (up to three times in
  // all) before the test fails, and the last measurement is what it reports.
  let m = growth(sizes, make, work);
  for (let attempt = 1; attempt < 3 && !linear(sizes, m); attempt++) m = growth(sizes, make, work);
  const { times, ratios, overall } = m;
  const what = `${label ? `${label}: ` : ''}CPU ms ${times.map((t) => t.toFixed(1)).join(' → ')} for sizes ${sizes.join(' → ')}`;
  if (sizes.length > 2) for (const r of ratios) expect(r, what).toBeLessThanOrEqual(MAX_RATIO_STEP);
  expect(overall, what).toBeLessThanOrEqual(MAX_RATIO_OVERALL);
}

function linear(sizes: readonly number[], m: { ratios: number[]; overall: number }): boolean {
  return (sizes.length <= 2 || m.ratios.every((r) => r <= MAX_RATIO_STEP)) && m.overall <= MAX_RATIO_OVERALL;
}

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
