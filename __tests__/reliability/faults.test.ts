// Faults injected between the action and every service it talks to (S3, STS, both domains), one kind at a
// time at 10% of the requests it aims at: each migration still ends verified, every object of the
// repository is at the destination with its size and ETag (checked against moto, not by the action), and
// the summary counts exactly the retries the faults cost. `npm run test:reliability` adds 5% runs and one
// run with every fault at once, drawn independently.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { seededFile } from '../../stack/stack.js';
import {
  startStackFaultProxies,
  type FaultRule,
  type ProxiedRequest,
  type ProxyName,
  type StackFaultProxies,
} from '../../stack/faults/index.js';
import { stackInputs } from '../support/action.js';
import { unique } from '../support/stack.js';
import {
  FULL,
  compareRepositories,
  count,
  deleteIndices,
  deleteSnapshot,
  objectsLost,
  ownDestination,
  recordFigure,
  runChecked,
  source,
  stackEnvironment as env,
  target,
} from './support.js';

const seeded: Array<{ index: string; documents: number }> = JSON.parse(readFileSync(seededFile, 'utf8'));
const LARGE = 't-rel-large';
/** Many small segments: some 200 more objects, so a 10% fault rate means tens of faults per run. */
const MANY = 't-rel-many';
/** Requests silent this long are retried: short, so a `slow` fault costs seconds, not minutes. */
const REQUEST_TIMEOUT_S = 3;

interface FaultCase {
  kind: FaultRule['kind'];
  on: ProxyName[];
  extra?: Partial<FaultRule>;
  inputs?: Record<string, string>;
  /** A run makes few STS requests: this seed puts the block's fault on one of them at 5% and at 10%. */
  seed?: number;
}

const CASES: FaultCase[] = [
  { kind: 's3-slowdown', on: ['s3'] },
  { kind: 's3-internal-error', on: ['s3'] },
  { kind: 'copy-error-200', on: ['s3'] },
  { kind: 'reset', on: ['s3', 'sts', 'source', 'target'] },
  {
    kind: 'slow',
    on: ['s3', 'source', 'target'],
    extra: { delayMs: (REQUEST_TIMEOUT_S + 1.5) * 1000 },
    inputs: { 'request-timeout-seconds': String(REQUEST_TIMEOUT_S) },
  },
  { kind: 'os-429', on: ['source', 'target'] },
  { kind: 'os-504', on: ['source', 'target'] },
  // Chained roles on both sides: more STS requests (AssumeRoleWithWebIdentity, an AssumeRole per side, GetCallerIdentity per side).
  {
    kind: 'sts-throttle',
    on: ['sts'],
    seed: 8,
    inputs: {
      'source-role-to-assume': env.STACK_SOURCE_CHAIN_ROLE_ARN!,
      'target-role-to-assume': env.STACK_TARGET_CHAIN_ROLE_ARN!,
    },
  },
];

const RATES = FULL ? [0.05, 0.1] : [0.1];

let proxies: StackFaultProxies;
const tag = unique('rel').slice(4);

beforeAll(async () => {
  proxies = await startStackFaultProxies(env);
  // One index with a blob above the 5 MiB multipart threshold (two 32 MiB parts), so UploadPartCopy and
  // CompleteMultipartUpload meet their faults too. Random text: the codec cannot shrink it.
  if (!(await source.indices.exists({ index: LARGE })).body) {
    await source.indices.create({ index: LARGE, body: { settings: { number_of_shards: 1, number_of_replicas: 0 } } });
    const body = [0, 1, 2].flatMap((i) => [
      { index: { _index: LARGE, _id: String(i) } },
      { blob: randomBytes(9 * 1024 * 1024).toString('base64') },
    ]);
    await source.bulk({ body, refresh: true });
  }
  if (!(await source.indices.exists({ index: MANY })).body) {
    await source.indices.create({ index: MANY, body: { settings: { number_of_shards: 10, number_of_replicas: 0 } } });
    for (let round = 0; round < 5; round++) {
      const body = Array.from({ length: 200 }, (_, i) => [
        { index: { _index: MANY, _id: `${round}-${i}` } },
        { round, n: i },
      ]).flat();
      await source.bulk({ body, refresh: true });
    }
  }
});

afterAll(async () => {
  await proxies?.close();
  await deleteIndices(target, 't-rel-*');
});

type Dealt = ProxiedRequest & { proxy: ProxyName };

/** Every fault a run was dealt, with the proxy and the operation it hit. */
async function faultsDealt(): Promise<Dealt[]> {
  const all: Dealt[] = [];
  for (const c of Object.values(proxies.controls))
    all.push(...(await c.state(true)).log.filter((r) => r.fault).map((r) => ({ ...r, proxy: c.name })));
  return all;
}

/** The summary's retries line, e.g. "17 retries (S3 12, source domain 3, STS 2)", read back into numbers. */
function retriesInSummary(summary: string): { total: number; line: string; byService: Record<string, number> } {
  const line = /<b>Retries<\/b> ([^<]*)/.exec(summary)?.[1] ?? '';
  const total = /^none/.test(line) ? 0 : Number(/^([\d,]+) retr/.exec(line)?.[1]?.replace(/,/g, '') ?? NaN);
  const byService: Record<string, number> = {};
  for (const m of (/\((.*)\)/.exec(line)?.[1] ?? '').split(', ').filter(Boolean)) {
    const at = m.lastIndexOf(' ');
    byService[m.slice(0, at)] = Number(m.slice(at + 1).replace(/,/g, ''));
  }
  return { total, line, byService };
}

/** Faults dealt, by the service name the summary uses. */
function faultsByService(dealt: Dealt[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of dealt) out[SERVICE_LABEL[d.proxy]] = (out[SERVICE_LABEL[d.proxy]] ?? 0) + 1;
  return out;
}

async function migrateUnder(
  name: string,
  plans: Array<[ProxyName, { seed: number; pattern?: 'block' | 'independent'; rules: FaultRule[] }]>,
  extraInputs: Record<string, string> = {},
) {
  await proxies.resetAll();
  for (const [proxy, plan] of plans) await proxies.controls[proxy].plan(plan);
  // A fresh destination for every run: the whole repository is copied under the faults, not just what is new.
  const destination = ownDestination(`${tag}-${name}`);
  const prefix = destination.prefix;
  const renamed = `t-rel-${name}-`;
  await deleteIndices(target, `${renamed}*`);
  const run = await runChecked(
    'faults',
    stackInputs({
      indices: [...seeded.map((s) => s.index), LARGE, MANY].join(','),
      'rename-pattern': '(.+)',
      'rename-replacement': `${renamed}$1`,
      ...destination.inputs,
      'multipart-threshold-mb': '5',
      // The seeded write alias (orders-write) may already point at a restored orders-2024.02 on the target;
      // a second write index for it is refused, so the renamed copies come without aliases.
      'include-aliases': 'false',
      ...proxies.inputs,
      ...extraInputs,
    }),
    { env: proxies.env },
  );
  const dealt = await faultsDealt();
  const comparison = await compareRepositories('opensearch-domain-migrate', prefix);
  const retries = retriesInSummary(run.summary);
  return { run, dealt, comparison, retries, prefix, renamed, destination };
}

async function cleanUp({ renamed, destination, run }: Awaited<ReturnType<typeof migrateUnder>>): Promise<void> {
  await deleteSnapshot(run.outputs.snapshot);
  await deleteIndices(target, `${renamed}*`);
  await destination.remove();
}

describe.each(RATES)('at %p of the requests each fault aims at', (rate) => {
  test.each(CASES)(
    '$kind: the migration completes, verified, with every object and the retries counted',
    async ({ kind, on, extra, inputs, seed: caseSeed }) => {
      const name = `${kind}-${Math.round(rate * 100)}`;
      const seed = caseSeed ?? 7 + Math.round(rate * 100);
      const outcome = await migrateUnder(
        name,
        on.map((proxy) => [proxy, { seed, rules: [{ kind, rate, ...extra }] }]),
        inputs,
      );
      const { run, dealt, comparison, retries } = outcome;
      try {
        const failure = run.log
          .split('\n')
          .filter((l) => l.startsWith('::error'))
          .join('\n');
        expect({ code: run.code, failure }).toEqual({ code: 0, failure: '' });
        expect(run.outputs.verified).toBe('true');
        expect(run.leaks).toEqual([]);
        expect(dealt.length).toBeGreaterThan(0);
        expect(dealt.every((d) => d.fault === kind)).toBe(true);

        // Nothing lost: every key, size and ETag (or recorded source ETag) at the destination.
        expect(comparison.objects).toBeGreaterThan(100);
        expect({
          missing: comparison.missing,
          wrongSize: comparison.wrongSize,
          wrongEtag: comparison.wrongEtag,
        }).toEqual({ missing: [], wrongSize: [], wrongEtag: [] });
        expect(comparison.multipart).toBeGreaterThan(0);
        for (const s of seeded)
          expect({ index: s.index, count: await count(target, `${outcome.renamed}${s.index}`) }).toEqual({
            index: s.index,
            count: s.documents,
          });

        // Each fault cost exactly one retry, and the summary says so, by service. (Under `slow`, a request
        // that was slow on its own is retried too.)
        if (kind === 'slow') expect(retries.total).toBeGreaterThanOrEqual(dealt.length);
        else expect(retries.byService).toEqual(faultsByService(dealt));
        for (const proxy of new Set(dealt.map((d) => d.proxy))) expect(retries.line).toContain(SERVICE_LABEL[proxy]);

        recordFaultRun({ kind, rate, pattern: 'block' }, outcome);
      } finally {
        await cleanUp(outcome);
      }
    },
  );
});

/** One row of RELIABILITY.md's fault table: what was injected and what it cost. */
function recordFaultRun(
  what: { kind: string; rate: number; pattern: string },
  o: Awaited<ReturnType<typeof migrateUnder>>,
): void {
  recordFigure('fault-run', {
    ...what,
    injected: o.dealt.length,
    retries: o.retries.total,
    objects: o.comparison.objects,
    lost: objectsLost(o.comparison),
    multipart: o.comparison.multipart,
    completed: o.run.code === 0 && o.run.outputs.verified === 'true',
  });
}

const SERVICE_LABEL: Record<ProxyName, string> = {
  s3: 'S3',
  sts: 'STS',
  source: 'source domain',
  target: 'target domain',
};

// Every kind at once, drawn independently (faults may cluster), about 10% of each service's requests in all.
// (Four kinds at 10% each would be 34% of S3's requests: past what the brief asks, and past what the SDK's
// retry quota is built for; measured, such a run ends in a failed copy after some 140 retries.)
(FULL ? test : test.skip)(
  'every fault at once, drawn independently, 10% in all: still verified, nothing lost',
  async () => {
    const all: Array<[ProxyName, FaultRule[]]> = [
      [
        's3',
        [
          { kind: 's3-slowdown', rate: 0.025 },
          { kind: 's3-internal-error', rate: 0.025 },
          { kind: 'copy-error-200', rate: 0.025 },
          { kind: 'reset', rate: 0.025 },
        ],
      ],
      [
        'sts',
        [
          { kind: 'sts-throttle', rate: 0.05 },
          { kind: 'reset', rate: 0.05 },
        ],
      ],
      [
        'source',
        [
          { kind: 'os-429', rate: 0.033 },
          { kind: 'os-504', rate: 0.033 },
          { kind: 'reset', rate: 0.033 },
        ],
      ],
      [
        'target',
        [
          { kind: 'os-429', rate: 0.033 },
          { kind: 'os-504', rate: 0.033 },
          { kind: 'reset', rate: 0.033 },
        ],
      ],
    ];
    const outcome = await migrateUnder(
      'all-independent',
      all.map(([proxy, rules], i) => [proxy, { seed: 101 + i, pattern: 'independent', rules }]),
    );
    const { run, dealt, comparison, retries } = outcome;
    try {
      const failure = run.log
        .split('\n')
        .filter((l) => l.startsWith('::error'))
        .join('\n');
      expect({ code: run.code, verified: run.outputs.verified, failure }).toEqual({
        code: 0,
        verified: 'true',
        failure: '',
      });
      expect(run.leaks).toEqual([]);
      expect(objectsLost(comparison)).toBe(0);
      expect(retries.byService).toEqual(faultsByService(dealt));
      recordFaultRun({ kind: 'all', rate: 0.1, pattern: 'independent' }, outcome);
    } finally {
      await cleanUp(outcome);
    }
  },
);

// The answer is lost after the domain did the work: the client's own retry then meets the snapshot or the
// restore its first attempt started ("same name is already in-progress", "an open index with same name
// already exists"). Before the fix, both ended the run; now the repeat counts as done.
describe('answers lost after the work was done', () => {
  test.each([
    {
      what: 'the snapshot request times out',
      proxy: 'source' as const,
      rule: {
        kind: 'slow' as const,
        rate: 1,
        ops: ['snapshot-create'],
        times: 1,
        delayMs: (REQUEST_TIMEOUT_S + 1.5) * 1000,
      },
    },
    {
      what: 'the restore request gets a 504',
      proxy: 'target' as const,
      rule: { kind: 'os-504' as const, rate: 1, ops: ['restore'], times: 1 },
    },
  ])('$what: the repeat finds its own work and the run is verified', async ({ proxy, rule }) => {
    const outcome = await migrateUnder(`lost-${rule.ops[0]}`, [[proxy, { seed: 1, rules: [rule] }]], {
      'request-timeout-seconds': String(REQUEST_TIMEOUT_S),
    });
    const { run, dealt, comparison } = outcome;
    try {
      expect({
        code: run.code,
        error: run.log
          .split('\n')
          .filter((l) => l.startsWith('::error'))
          .join('\n'),
      }).toEqual({ code: 0, error: '' });
      expect(run.outputs.verified).toBe('true');
      // The faulted request reached the node and succeeded there; its repeat followed.
      const calls = (await proxies.controls[proxy].state(true)).log.filter((r) => r.op === rule.ops[0]);
      expect(calls[0]).toMatchObject({ fault: rule.kind, upstreamStatus: 200 });
      expect(calls.length).toBeGreaterThanOrEqual(2);
      expect(dealt).toHaveLength(1);
      expect(objectsLost(comparison)).toBe(0);
    } finally {
      await cleanUp(outcome);
    }
  });
});
