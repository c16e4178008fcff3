// A fault plan: which faults, on which requests, how often, from which seed; and the count of what it did.
import type { Operation, Service } from './operations.js';
import { Sampler, type SamplingPattern } from './sampling.js';

export const FAULT_KINDS = {
  /** S3: 503 SlowDown, not forwarded. */
  's3-slowdown': ['s3'],
  /** S3: 500 InternalError, not forwarded. */
  's3-internal-error': ['s3'],
  /** S3 copies: 200 with an <Error> body, not forwarded (the copy failed after S3 said 200). */
  'copy-error-200': ['s3'],
  /** Forwarded; the connection is reset halfway through the answer (before it, when the answer has no body). */
  reset: ['s3', 'sts', 'domain'],
  /** Forwarded; the answer is held back `delayMs` (longer than the client waits), then sent if anyone still listens. */
  slow: ['s3', 'sts', 'domain'],
  /** Domain: 429 rejected_execution_exception, not forwarded. */
  'os-429': ['domain'],
  /** Domain: forwarded and run by the node, but the client gets 504 (the front end gave up). */
  'os-504': ['domain'],
  /** STS: 400 Throttling, not forwarded. */
  'sts-throttle': ['sts'],
} as const satisfies Record<string, readonly Service[]>;

export type FaultKind = keyof typeof FAULT_KINDS;

export interface FaultRule {
  kind: FaultKind;
  /** Fraction of the matching requests, 0..1. */
  rate: number;
  /** Operation names to match (see operations.ts); default per kind below. */
  ops?: string[];
  methods?: string[];
  /** Regular expression on the path without the query. */
  pathRegex?: string;
  /** At most this many injections. */
  times?: number;
  /** `slow`: how long the answer is held back. */
  delayMs?: number;
}

export interface FaultPlanSpec {
  seed?: number;
  pattern?: SamplingPattern;
  rules: FaultRule[];
}

/** Where each kind aims when the rule does not say: copies for the 200-error, the snapshot API for the domain's. */
const DEFAULT_SCOPE: Partial<Record<FaultKind, Pick<FaultRule, 'ops' | 'pathRegex'>>> = {
  'copy-error-200': { ops: ['CopyObject', 'UploadPartCopy', 'CompleteMultipartUpload'] },
  'os-429': { pathRegex: '^/_snapshot(/|$)' },
  'os-504': { pathRegex: '^/_snapshot(/|$)' },
};

interface ActiveRule extends FaultRule {
  pattern?: RegExp;
  sampler: Sampler;
  matched: number;
  injected: number;
}

export class FaultPlan {
  readonly seed: number;
  readonly pattern: SamplingPattern;
  private readonly rules: ActiveRule[];

  constructor(spec: FaultPlanSpec, service: Service) {
    this.seed = spec.seed ?? 1;
    this.pattern = spec.pattern ?? 'block';
    this.rules = (spec.rules ?? []).map((rule, i) => {
      const services: readonly Service[] | undefined = FAULT_KINDS[rule.kind];
      if (!services)
        throw new Error(
          `unknown fault kind ${JSON.stringify(rule.kind)}; known: ${Object.keys(FAULT_KINDS).join(', ')}`,
        );
      if (!services.includes(service)) throw new Error(`fault ${rule.kind} does not apply to ${service}`);
      if (!(rule.rate >= 0 && rule.rate <= 1)) throw new Error(`rate must be within 0..1, not ${rule.rate}`);
      const scoped = { ...DEFAULT_SCOPE[rule.kind], ...rule };
      return {
        ...scoped,
        pattern: scoped.pathRegex ? new RegExp(scoped.pathRegex) : undefined,
        // Each rule its own stream, so adding a rule does not move another rule's faults.
        sampler: new Sampler(rule.rate, this.seed + i * 7919, this.pattern),
        matched: 0,
        injected: 0,
      };
    });
  }

  /** The fault for this request, if any; every matching rule is counted, the first that fires wins. */
  decide(method: string, path: string, operation: Operation): ActiveRule | undefined {
    for (const rule of this.rules) {
      if (rule.times !== undefined && rule.injected >= rule.times) continue;
      if (rule.ops && !rule.ops.includes(operation.op)) continue;
      if (rule.methods && !rule.methods.includes(method)) continue;
      if (rule.pattern && !rule.pattern.test(path)) continue;
      rule.matched++;
      if (rule.sampler.next()) {
        rule.injected++;
        return rule;
      }
    }
    return undefined;
  }

  describe(): object {
    return {
      seed: this.seed,
      pattern: this.pattern,
      rules: this.rules.map(({ kind, rate, ops, methods, pathRegex, times, delayMs, matched, injected }) => ({
        kind,
        rate,
        ops,
        methods,
        pathRegex,
        times,
        delayMs,
        matched,
        injected,
      })),
    };
  }
}
