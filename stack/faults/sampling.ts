// Which requests get a fault: seeded, so a failing trial can be replayed with the same seed.
//
// `block` (the default) faults exactly one request in every block of round(1/rate) matching requests, at a
// seeded random place in the block: the rate is exact over any run length, and a short run still meets its
// faults (independent draws at 10% leave 1 run in 5 of 15 snapshot calls without a single fault).
// `independent` draws each request on its own, so faults may cluster as they do in the wild.

export type SamplingPattern = 'block' | 'independent';

import { seededRandom } from '../random.js';

export class Sampler {
  private readonly random: () => number;
  private readonly blockSize: number;
  private position = 0;
  private pick = 0;

  constructor(
    private readonly rate: number,
    seed: number,
    private readonly pattern: SamplingPattern = 'block',
  ) {
    this.random = seededRandom(seed);
    this.blockSize = rate > 0 ? Math.max(1, Math.round(1 / rate)) : Infinity;
  }

  /** Whether the next matching request gets the fault. */
  next(): boolean {
    if (this.rate <= 0) return false;
    if (this.rate >= 1) return true;
    if (this.pattern === 'independent') return this.random() < this.rate;
    if (this.position === 0) this.pick = Math.floor(this.random() * this.blockSize);
    const hit = this.position === this.pick;
    this.position = (this.position + 1) % this.blockSize;
    return hit;
  }
}
