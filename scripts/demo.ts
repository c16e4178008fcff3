// `npm run demo`: a whole migration on the local stack, as a workflow would run it. Starts the stack if
// it is not running, seeds the source, runs dist/index.js through the local runner, and keeps the job
// summary and the outputs under out/demo/.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { ensureSeeded, ensureStack } from '../stack/stack.js';
import { projectRoot } from '../stack/layout.js';
import { runAction, stackInputs } from '../stack/runner.js';

const out = join(projectRoot, 'out', 'demo');
mkdirSync(out, { recursive: true });

const { env } = await ensureStack();
await ensureSeeded(env);
// The demo restores under the source's names: clear what an earlier demo restored on the target.
const target = new Client({ node: env.STACK_TARGET_NODE });
const stale = ((await target.cat.indices({ format: 'json', h: 'index' } as any)).body as Array<{ index: string }>)
  .map((r) => r.index)
  .filter((i) => !i.startsWith('.'));
if (stale.length) await target.indices.delete({ index: stale.join(',') });

console.log('[demo] running dist/index.js as the GitHub runner would …');
const run = await runAction(stackInputs({ indices: '*,-t-*' }), { onOutput: (chunk) => process.stdout.write(chunk) });
copyFileSync(join(run.dir, 'summary.md'), join(out, 'summary.md'));
copyFileSync(join(run.dir, 'outputs'), join(out, 'outputs'));
console.log(`\n[demo] exit code ${run.code}; verified=${run.outputs.verified}`);
console.log(`[demo] job summary: ${join(out, 'summary.md')}`);
console.log(`[demo] outputs:     ${join(out, 'outputs')}`);
console.log('[demo] the stack keeps running for the next demo or test run; `npm run stack:down` stops it');
process.exitCode = run.code ?? 1;
