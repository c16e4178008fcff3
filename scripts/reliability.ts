// npm run test:reliability: the whole reliability suite (__tests__/reliability) at full count, then its
// figures. The tests append what they measured to a figures file; this adds it up. The last line printed
// is one JSON object: faults injected, trials, completions, objects lost, inputs tried, leaks found.
//
// RELIABILITY_CRASH_TRIALS overrides the crash-trial count (24); STACK_DIR/STACK_PORT_BASE pick the stack.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../stack/layout.js';

type Figure = Record<string, any> & { type: string };

const figuresFile = join(mkdtempSync(join(tmpdir(), 'osdm-reliability-')), 'figures.jsonl');
const started = Date.now();

const code = await new Promise<number>((resolve) => {
  const jest = spawn(
    process.execPath,
    [join(projectRoot, 'node_modules', 'jest', 'bin', 'jest.js'), '--runInBand', '__tests__/reliability'],
    {
      cwd: projectRoot,
      stdio: 'inherit',
      env: {
        ...process.env,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim(),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        RELIABILITY_FULL: '1',
        RELIABILITY_FIGURES: figuresFile,
      },
    },
  );
  jest.on('close', (c) => resolve(c ?? 1));
});

const figures: Figure[] = existsSync(figuresFile)
  ? readFileSync(figuresFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Figure)
  : [];
const of = (type: string) => figures.filter((f) => f.type === type);
const sum = (rows: Figure[], key: string) => rows.reduce((n, r) => n + (Number(r[key]) || 0), 0);

const faultRuns = of('fault-run');
const trials = of('crash-trial');
const badInputs = of('bad-inputs');
const scans = of('scan');
const timeouts = of('timeout');

const table = (head: string[], rows: Array<Array<string | number>>) =>
  [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');

console.log('\n## Reliability figures\n');
console.log(
  table(
    ['fault', 'rate', 'pattern', 'injected', 'retries in summary', 'objects checked', 'lost', 'verified'],
    faultRuns.map((r) => [
      r.kind,
      `${r.rate * 100}%`,
      r.pattern,
      r.injected,
      r.retries,
      r.objects,
      r.lost,
      r.completed ? 'yes' : 'NO',
    ]),
  ),
);
const byPhase = new Map<string, number>();
for (const t of trials) byPhase.set(t.phaseAtKill, (byPhase.get(t.phaseAtKill) ?? 0) + 1);
console.log(
  `\nCrash trials: ${trials.length} (killed ${trials.filter((t) => t.killed).length}; by phase at the kill: ${[...byPhase].map(([p, n]) => `${p} ${n}`).join(', ')})`,
);
console.log(
  `  re-runs verified ${trials.filter((t) => t.completed).length}, objects copied twice ${sum(trials, 'copiedTwice')}, objects lost ${sum(trials, 'lost')}, multipart uploads left open by a kill ${sum(trials, 'openMultipartUploads')}`,
);
for (const b of badInputs) {
  console.log(
    `Bad inputs: ${b.tried} tried, ${b.refused} refused (${b.beforeAnyRequest} before any request, ${b.withReadsOnly} after read-only requests), changing requests sent: ${b.changes}`,
  );
}
console.log(
  `Timeouts: ${timeouts.map((t) => `${t.phase} (${t.input})${t.liftedWriteBlock ? ', block lifted' : ', BLOCK LEFT'}`).join('; ')}`,
);
console.log(`Secret scans: ${scans.length} runs scanned, ${sum(scans, 'leaks')} leaks`);
console.log(
  `Suite: ${code === 0 ? 'passed' : `FAILED (jest exit ${code})`} in ${Math.round((Date.now() - started) / 1000)} s\n`,
);

console.log(
  JSON.stringify({
    faultsInjected: sum(faultRuns, 'injected'),
    faultRuns: faultRuns.length,
    faultRunsVerified: faultRuns.filter((r) => r.completed).length,
    trials: trials.length,
    completions: trials.filter((t) => t.completed).length,
    objectsLost: sum(faultRuns, 'lost') + sum(trials, 'lost'),
    objectsCopiedTwice: sum(trials, 'copiedTwice'),
    inputsTried: sum(badInputs, 'tried'),
    inputsRefusedWithoutChange: badInputs.reduce((n, b) => n + (b.changes === 0 ? b.refused : 0), 0),
    runsScanned: scans.length,
    leaksFound: sum(scans, 'leaks'),
    passed: code === 0,
  }),
);
process.exitCode = code;
