// What the source repository holds today and how much of it the destination lacks: the copy moves the
// whole repository (every earlier snapshot in it too), so this, not the new snapshot's size, is most of
// what the copy forecast says. Read with ListObjectsV2 and HeadObject only (src/aws/copy/survey.ts).
import { surveyCopy, type CopySurvey } from '../aws/copy/survey.js';
import type { RunContext } from '../context.js';
import { formatBytes, formatCount, plural } from '../util/format.js';
import { errorText, type Checks } from './checks.js';

export async function repositoryContentsCheck(ctx: RunContext, checks: Checks): Promise<CopySurvey | undefined> {
  const { source, target } = ctx;
  const id = 'source.repository-contents';
  const check = 'Source repository contents (for the copy forecast)';
  const from = `s3://${source.config.bucket}/${source.config.basePath}`;
  try {
    const survey = await surveyCopy({
      source: { client: source.s3, bucket: source.config.bucket, prefix: source.config.basePath },
      destination: { client: target.s3, bucket: target.config.bucket, prefix: target.config.basePath },
      signal: ctx.signal,
    });
    checks.pass(
      id,
      check,
      survey.objects === 0
        ? `${from} is empty: the copy moves only the new snapshot`
        : `${from} holds ${plural(survey.objects, 'object')} (${formatBytes(survey.bytes)})` +
            `${survey.indicesInRepository ? ` with snapshots of ${plural(survey.indicesInRepository.length, 'index', 'indices')}` : ''}; ` +
            `${formatCount(survey.toCopy)} of them (${formatBytes(survey.toCopyBytes)}) not yet at the destination`,
    );
    return survey;
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    checks.warn(
      id,
      check,
      `listing ${from} against the destination failed: ${errorText(error)}; the copy forecast counts only the new snapshot`,
      'Nothing to do for the migration (the copy lists both again); for an exact forecast grant s3:ListBucket on both buckets.',
    );
    return undefined;
  }
}
