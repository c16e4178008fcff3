// The plan's copy forecast against the copy that follows it, on the stack through dist/index.js. The copy
// moves the whole source repository, so a repository that already holds an earlier snapshot (here: of an
// index this migration does not even take) is what the forecast must count: listed, not guessed from the
// indices being migrated.
import { failureTail, runAction, stackInputs, type ActionRun } from '../support/action.js';
import { nodeClient, unique } from '../support/stack.js';

const source = nodeClient('source');
const target = nodeClient('target');

/** Documents with enough text that the earlier snapshot's blobs outweigh this migration's index. */
async function seed(index: string, documents: number, batches: number): Promise<void> {
  await source.indices.create({ index, body: { settings: { number_of_shards: 1, number_of_replicas: 0 } } });
  const perBatch = Math.ceil(documents / batches);
  for (let b = 0; b < batches; b++) {
    const body = [];
    for (let i = b * perBatch; i < Math.min(documents, (b + 1) * perBatch); i++) {
      body.push({ index: { _index: index, _id: String(i) } });
      body.push({ n: i, text: `document ${i} ${'lorem ipsum dolor sit amet '.repeat(8)}${i * 7919}` });
    }
    // A refresh per batch: several segments, as an index written over time has.
    await source.bulk({ body, refresh: true });
  }
}

/** "≈ 1,234 objects, 5.6 MiB" from the plan's copy line. */
function forecastOf(run: ActionRun): { objects: number; bytes: number; line: string } {
  const line = /<b>Copy<\/b>[^\n]*/.exec(run.summary)?.[0] ?? '';
  const m = /≈ ([\d,]+) objects?, ([\d.]+) (B|KiB|MiB|GiB)/.exec(line);
  if (!m) throw new Error(`no copy forecast in: ${line || run.summary.slice(0, 2000)}`);
  const unit = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }[m[3] as 'B'];
  return { objects: Number(m[1]!.replace(/,/g, '')), bytes: Number(m[2]) * unit, line };
}

/** The plan's forecast beside what the migration then copied, and whether each is within 0.8–1.25 of it. */
function comparison(plan: ActionRun, migration: ActionRun) {
  const forecast = forecastOf(plan);
  const copied = {
    objects: Number(migration.outputs['copied-objects']),
    bytes: Number(migration.outputs['copied-bytes']),
  };
  const ratios = { objects: forecast.objects / copied.objects, bytes: forecast.bytes / copied.bytes };
  const near = (r: number) => r >= 0.8 && r <= 1.25;
  return { forecast: forecast.line, copied, ratios, within: near(ratios.objects) && near(ratios.bytes) };
}

describe('copy forecast for a repository that holds an earlier snapshot', () => {
  const earlier = unique('t-fc-earlier');
  const mine = unique('t-fc-mine');
  const repository = unique('fc-repo');
  const inputs = (overrides: Record<string, string>) =>
    stackInputs({
      'source-repository': repository,
      'source-base-path': repository,
      'target-repository': `${repository}-t`,
      'target-base-path': `${repository}-t`,
      ...overrides,
    });
  let plan: ActionRun;
  let migration: ActionRun;
  // Once more, after that migration: the repository and the destination agree, and the index is in a snapshot.
  const again = { 'rename-pattern': '(.+)', 'rename-replacement': 'again-$1', snapshot: 'fc-again', indices: mine };
  let planAgain: ActionRun;
  let migrationAgain: ActionRun;

  beforeAll(async () => {
    await seed(earlier, 6000, 4);
    await seed(mine, 600, 2);
    // The earlier migration puts its snapshot in the shared source repository, copied to a destination
    // path of its own: the second migration's destination holds none of it.
    const first = await runAction(
      inputs({
        indices: earlier,
        snapshot: 'fc-earlier',
        'target-repository': `${repository}-first`,
        'target-base-path': `${repository}-first`,
      }),
    );
    if (first.code !== 0) throw new Error(`the earlier migration failed:\n${failureTail(first)}`);
    plan = await runAction(inputs({ mode: 'plan', indices: mine, snapshot: 'fc-now' }));
    migration = await runAction(inputs({ indices: mine, snapshot: 'fc-now' }));
    planAgain = await runAction(inputs({ ...again, mode: 'plan' }));
    migrationAgain = await runAction(inputs(again));
  });

  afterAll(async () => {
    await source.indices.delete({ index: [earlier, mine], ignore_unavailable: true } as any);
    await target.indices.delete({ index: [earlier, mine, `again-${mine}`], ignore_unavailable: true } as any);
  });

  test('the plan and the migration succeed, the migration verified', () => {
    expect({
      plan: plan.code,
      migration: migration.code,
      verified: migration.outputs.verified,
      again: [planAgain.code, migrationAgain.code, migrationAgain.outputs.verified],
      log: [plan, migration, planAgain, migrationAgain].map(failureTail).join(''),
    }).toEqual({ plan: 0, migration: 0, verified: 'true', again: [0, 0, 'true'], log: '' });
  });

  test('the plan lists the repository: the earlier snapshot is counted as not yet at the destination', () => {
    expect(plan.summary).toMatch(/holds [\d,]+ objects \([^)]+\) with snapshots of 1 index; [\d,]+ of them/);
    expect(forecastOf(plan).line).toContain('already in the source repository and not yet at the destination');
  });

  test('the forecast is within a fifth of what the copy then moved, in objects and in bytes', () => {
    // Before the listing, the forecast counted only the migrated index: a fraction of the copy's bytes.
    expect(comparison(plan, migration)).toEqual(expect.objectContaining({ within: true }));
  });

  test('again, with the index already in a snapshot: only the new snapshot’s metadata, still within a fifth', () => {
    // Nothing of the index's segments is written again; the copy moves a few metadata blobs.
    expect(planAgain.summary).toContain('0 objects, 0 B already in the source repository');
    expect(comparison(planAgain, migrationAgain)).toEqual(expect.objectContaining({ within: true }));
  });
});
