// The targets for the copy engine (bench/README.md), judged against one run's figures.
import { round } from './stats.js';

export interface Target {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

/** The targets against this run's figures; only those the run measured. */
export function targets(figures: Record<string, unknown>, concurrency: number): Target[] {
  const out: Target[] = [];
  const proxy = (figures.compare as { proxy?: any } | undefined)?.proxy;
  if (proxy) {
    // From the medians themselves, not the ratios rounded for print: 3.996 is not 4.
    const ratio = (tool: string) => proxy.wallMs[tool].median / proxy.wallMs.engine.median;
    const vsDefault = ratio('cli-default');
    const vsTuned = ratio('cli-tuned');
    out.push(
      {
        name: 'through the proxy, vs aws s3 sync at its defaults',
        target: '≥ 4×',
        measured: `${vsDefault.toFixed(3)}×`,
        met: vsDefault >= 4,
      },
      {
        name: `through the proxy, vs aws s3 sync tuned to ${concurrency}`,
        target: '≥ 1.5×',
        measured: `${vsTuned.toFixed(3)}×`,
        met: vsTuned >= 1.5,
      },
    );
    if (proxy.rerun) {
      const { ofFirstCopyPct, copyRequests } = proxy.rerun;
      out.push({
        name: 'rerun on the unchanged repository (proxy)',
        target: '≤ 5% of the first copy, 0 copy requests',
        measured: `${ofFirstCopyPct}%, ${copyRequests} copy requests`,
        met: ofFirstCopyPct <= 5 && copyRequests === 0,
      });
    }
  }
  const memory = figures.memory as { objects: number; peakRssMiB: number } | undefined;
  if (memory) {
    const mb = round((memory.peakRssMiB * 2 ** 20) / 1e6, 1);
    out.push({
      name: `peak RSS copying ${memory.objects} objects`,
      target: '< 200 MB',
      measured: `${mb} MB (${memory.peakRssMiB} MiB)`,
      met: mb < 200,
    });
  }
  return out;
}
