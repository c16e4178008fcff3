// Room on the target's disks for the restored copies, above the low disk watermark.
import type { MigrationConfig } from '../config.js';
import type { Domain, NodeFacts } from '../search/domain.js';
import { isDataNode } from '../search/cluster.js';
import { formatBytes } from '../util/format.js';
import type { Checks } from './checks.js';
import { restoredSettings, type SourceIndex } from './target.js';

/** A watermark as the free space a node must keep: `85%`/`0.85` of the disk, or an absolute `10gb`. */
export function reservedBytes(watermark: string | undefined, total: number): number {
  const w = (watermark ?? '85%').trim().toLowerCase();
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(w);
  if (pct) return total * (1 - Number(pct[1]) / 100);
  if (/^0?\.\d+$|^1(\.0+)?$/.test(w)) return total * (1 - Number(w));
  const size = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|pb)?$/.exec(w);
  if (size) return Number(size[1]) * 1024 ** ['b', 'kb', 'mb', 'gb', 'tb', 'pb'].indexOf(size[2] ?? 'b');
  return total * 0.15;
}

/** Room for the restored copies above the low disk watermark (where the target stops placing new shards). */
export async function capacityCheck(
  config: MigrationConfig,
  indices: SourceIndex[],
  target: Domain,
  nodes: NodeFacts[],
  clusterSettings: Record<string, string>,
  replaced: string[],
  checks: Checks,
): Promise<{ needed: number; free?: number }> {
  const id = 'target.capacity';
  const check = 'Target storage for the restored indices';
  const dataNodes = Math.max(nodes.filter(isDataNode).length, 1);
  const needed = indices.reduce((sum, i) => {
    const replicas = Number(restoredSettings(i.settings, config)['index.number_of_replicas'] ?? 1);
    return sum + i.primaryBytes * Math.min(replicas + 1, dataNodes);
  }, 0);
  const disks = await target.diskAllocation();
  if (disks.length === 0) {
    checks.warn(
      id,
      check,
      `needs ~${formatBytes(needed)}; the target reports no disk figures`,
      'Check the free storage in the console.',
    );
    return { needed };
  }
  const thresholds = clusterSettings['cluster.routing.allocation.disk.threshold_enabled'] !== 'false';
  const low = clusterSettings['cluster.routing.allocation.disk.watermark.low'];
  const usable = disks.reduce(
    (sum, d) => sum + Math.max(0, d.avail - (thresholds ? reservedBytes(low, d.total) : 0)),
    0,
  );
  // Indices replaced by the restore give their space back first (approximately: their primaries' share).
  const found = `needs ~${formatBytes(needed)} (primaries × copies); ${formatBytes(usable)} free below the low disk watermark (${thresholds ? (low ?? '85%') : 'off'}) on ${disks.length} node(s)${replaced.length ? `; ${replaced.length} replaced indices free more` : ''}`;
  if (needed > usable && replaced.length === 0) {
    checks.fail(
      id,
      check,
      found,
      'Add storage to the target (larger volumes or more data nodes), migrate fewer indices at a time, or restore without replicas first: index-settings {"index.number_of_replicas": 0}.',
    );
  } else if (needed > usable * 0.8) {
    checks.warn(id, check, found, 'The target will be close to its watermark: add storage or restore fewer replicas.');
  } else {
    checks.pass(id, check, found);
  }
  return { needed, free: usable };
}
