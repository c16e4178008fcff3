// The product, end to end: dist/index.js run as the runner runs it migrates the seeded source domain to
// the target across two regions and two buckets; both bare nodes are then queried directly.
import { readFileSync } from 'node:fs';
import { runAction, stackInputs } from '../support/action.js';
import { nodeClient } from '../support/stack.js';
import { seededFile } from '../../stack/stack.js';

const seeded: Array<{ index: string; documents: number; aliases: string[] }> = JSON.parse(
  readFileSync(seededFile, 'utf8'),
);
const source = nodeClient('source');
const target = nodeClient('target');

async function userIndices(client: typeof source): Promise<string[]> {
  const res = await client.cat.indices({ format: 'json', h: 'index' } as any);
  return (res.body as Array<{ index: string }>)
    .map((r) => r.index)
    .filter((i) => !i.startsWith('.') && !i.startsWith('t-'))
    .sort();
}

const count = async (client: typeof source, index: string) => Number((await client.count({ index })).body.count);

describe('a whole migration through dist/index.js', () => {
  let run: Awaited<ReturnType<typeof runAction>>;

  beforeAll(async () => {
    // Earlier runs on a reused stack may have restored these names already; the target starts empty.
    const stale = await userIndices(target);
    if (stale.length) await target.indices.delete({ index: stale.join(',') });
    run = await runAction(stackInputs({ indices: '*,-t-*' }));
  });

  // The target copies (and with them the seed's aliases) go again, so a later test's plan does not meet
  // them as aliases already taken on the target.
  afterAll(async () => {
    const restored = await userIndices(target);
    if (restored.length) await target.indices.delete({ index: restored.join(',') });
  });

  test('the job succeeds and says verified', () => {
    expect({ code: run.code, tail: run.log.split('\n').slice(-25).join('\n') }).toEqual({
      code: 0,
      tail: expect.any(String),
    });
    expect(run.outputs.verified).toBe('true');
    expect(JSON.parse(run.outputs['mismatched-indices'])).toEqual([]);
  });

  test('every seeded user index is on the target with the same count and aliases', async () => {
    expect(await userIndices(target)).toEqual(seeded.map((s) => s.index).sort());
    for (const s of seeded) {
      expect({ index: s.index, count: await count(target, s.index) }).toEqual({
        index: s.index,
        count: await count(source, s.index),
      });
      expect({ index: s.index, count: await count(target, s.index) }).toEqual({ index: s.index, count: s.documents });
      const aliases = Object.keys((await target.indices.getAlias({ index: s.index })).body[s.index].aliases).sort();
      expect({ index: s.index, aliases }).toEqual({ index: s.index, aliases: [...s.aliases].sort() });
    }
  });

  test('system indices stay behind and are listed as excluded', async () => {
    const targetSystem = (
      (await target.cat.indices({ format: 'json', h: 'index', expand_wildcards: 'all' } as any)).body as Array<{
        index: string;
      }>
    ).map((r) => r.index);
    expect(targetSystem).not.toContain('.kibana_1');
    expect(run.summary).toContain('.kibana_1');
    expect(run.summary).toMatch(/excluded/i);
  });

  test('outputs carry the totals and the snapshot', () => {
    const total = seeded.reduce((n, s) => n + s.documents, 0);
    expect(Number(run.outputs['source-documents'])).toBe(total);
    expect(Number(run.outputs['target-documents'])).toBe(total);
    expect(run.outputs.snapshot).toMatch(/^migrate-/);
    expect(JSON.parse(run.outputs.indices).sort()).toEqual(seeded.map((s) => s.index).sort());
    expect(Number(run.outputs['copied-objects'])).toBeGreaterThan(0);
  });

  test('the job summary has the phase table and the comparison table', () => {
    for (const phase of ['Credentials', 'Snapshot', 'Copy', 'Restore', 'Verify']) expect(run.summary).toContain(phase);
    for (const s of seeded) expect(run.summary).toContain(s.index);
    expect(run.summary).toContain(seeded.find((s) => s.index === 'products')!.documents.toLocaleString('en-US'));
  });

  test('the log has no runtime warnings in it', () => {
    // Users read this log; "(node:123) MaxListenersExceededWarning: Possible EventTarget memory leak"
    // there is a scare, whatever its cause (it was the copy's 128 requests listening on one signal).
    expect(run.log.split('\n').filter((line) => /\(node:\d+\) \w*Warning/.test(line))).toEqual([]);
  });

  test('every secret is masked, and none appears anywhere else', () => {
    // The runner hides values announced with ::add-mask::; the action must announce each one before use.
    const masks = [...run.log.matchAll(/^::add-mask::(.+)$/gm)].map((m) => m[1].trim());
    expect(masks.length).toBeGreaterThanOrEqual(4); // OIDC token, key id, secret key, session token
    expect(masks.some((m) => /^eyJ/.test(m))).toBe(true);
    const rest = run.log.replace(/^::add-mask::.+$/gm, '') + run.summary + JSON.stringify(run.outputs);
    for (const secret of masks) expect(rest.includes(secret)).toBe(false);
  });
});
