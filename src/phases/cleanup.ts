// Leave the domains and buckets as found, after a verified run when asked (`cleanup`): the target's
// repository deregistered, the copy in the target bucket deleted, the run's snapshots deleted from the
// source (which removes their files from the source bucket), the source's repository deregistered. Each
// step runs only after the ones before it succeeded, and each is reported: a step that fails leaves the
// rest for a person to decide, and says what is left where.
import { DeleteObjectsCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { RunContext } from '../context.js';
import type { CleanupStep } from '../record.js';
import { runSnapshotNames } from './snapshot.js';

const prefixOf = (basePath: string) => (basePath ? `${basePath}/` : '');

/** Deletes every object under the target repository's prefix (the copy this run made), 1000 a request. */
async function deleteCopiedObjects(ctx: RunContext): Promise<number> {
  const { bucket, basePath } = ctx.target.config;
  let deleted = 0;
  for await (const page of paginateListObjectsV2(
    { client: ctx.target.s3 },
    { Bucket: bucket, Prefix: prefixOf(basePath) },
  )) {
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length === 0) continue;
    ctx.signal.throwIfAborted();
    const res = await ctx.target.s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }),
      { abortSignal: ctx.signal },
    );
    if (res.Errors?.length)
      throw new Error(
        `${res.Errors.length} objects could not be deleted (e.g. ${res.Errors[0]!.Key}: ${res.Errors[0]!.Code} ${res.Errors[0]!.Message ?? ''})`,
      );
    deleted += keys.length;
  }
  return deleted;
}

/** `copied`: the copy phase put objects in the target bucket (it is skipped when both sides share one). */
export async function cleanupPhase(
  ctx: RunContext,
  { copied }: { copied: boolean },
): Promise<{ facts: CleanupStep[]; details: string[] }> {
  const { config, source, target } = ctx;
  const steps: CleanupStep[] = [];
  const plan: Array<{ step: string; run: () => Promise<string> }> = [
    {
      step: `deregister repository ${target.config.repository} on the target`,
      run: async () => (
        await target.domain.call('DELETE', `/_snapshot/${encodeURIComponent(target.config.repository)}`),
        'deregistered'
      ),
    },
    ...(copied
      ? [
          {
            step: `delete the copy in s3://${target.config.bucket}/${target.config.basePath}`,
            run: async () => `${await deleteCopiedObjects(ctx)} objects deleted`,
          },
        ]
      : []),
    {
      step: `delete this run's snapshots from repository ${source.config.repository} on the source`,
      run: async () => {
        const deleted: string[] = [];
        for (const name of runSnapshotNames(config.snapshot)) {
          if (!(await source.domain.getSnapshot(source.config.repository, name))) continue;
          await source.domain.deleteSnapshot(source.config.repository, name);
          deleted.push(name);
        }
        return deleted.length ? `deleted ${deleted.join(', ')}` : 'none left';
      },
    },
    {
      step: `deregister repository ${source.config.repository} on the source`,
      run: async () => (
        await source.domain.call('DELETE', `/_snapshot/${encodeURIComponent(source.config.repository)}`),
        'deregistered'
      ),
    },
  ];
  let failed = false;
  for (const p of plan) {
    if (failed) {
      steps.push({ step: p.step, result: 'skipped', detail: 'an earlier clean-up step failed' });
      continue;
    }
    try {
      steps.push({ step: p.step, result: 'done', detail: await p.run() });
    } catch (err) {
      failed = true;
      steps.push({ step: p.step, result: 'failed', detail: (err as Error).message });
    }
  }
  return {
    facts: steps,
    details: steps.map(
      (s) => `${s.result === 'done' ? '✔' : s.result === 'failed' ? '✖' : '–'} ${s.step}: ${s.detail}`,
    ),
  };
}
