// Restores that a managed domain refuses. The domain already holds its own dashboards and plugin
// indices (.kibana, .opendistro-*, .opensearch-*, .plugins-*, .ql-datasources, ...), so restoring
// them over the live ones fails inside OpenSearch; the security index is refused by the security
// plugin before that. The developer guide's advice is `"indices": "-.kibana*,-.opendistro*"`.
import * as errors from './aws-errors.js';
import type { Refusal } from './aws-errors.js';

/** Index names a managed domain already has open, as simple `*` patterns. */
export const DOMAIN_OWNED_INDEX_PATTERNS = [
  '.kibana*',
  '.opendistro*',
  '.opensearch-*',
  '.plugins-*',
  '.ql-datasources',
];
export const SECURITY_INDEX = '.opendistro_security';

export interface RestoreRequestBody {
  indices?: string | string[];
  rename_pattern?: string;
  rename_replacement?: string;
  include_global_state?: boolean;
}

export interface SnapshotFacts {
  uuid: string;
  indices: string[];
}

export function checkRestore(p: {
  repository: string;
  snapshot: string;
  body: RestoreRequestBody;
  facts: SnapshotFacts;
  principalArn: string;
  /** Fine-grained access control also forbids restoring the global state. */
  fineGrainedAccessControl: boolean;
}): Refusal | undefined {
  if (p.fineGrainedAccessControl && p.body.include_global_state === true) {
    return errors.restoreOfSecurityIndex(p.principalArn);
  }
  const selected = selectRestoredIndices(p.facts.indices, expressionsOf(p.body.indices));
  if (selected.includes(SECURITY_INDEX)) return errors.restoreOfSecurityIndex(p.principalArn);
  for (const source of p.facts.indices.filter((i) => selected.includes(i))) {
    const target = renamed(source, p.body.rename_pattern, p.body.rename_replacement);
    if (DOMAIN_OWNED_INDEX_PATTERNS.some((pattern) => simpleMatch(pattern, target))) {
      return errors.restoreOverOpenIndex(p.repository, p.snapshot, p.facts.uuid, target);
    }
  }
  return undefined;
}

function expressionsOf(indices: string | string[] | undefined): string[] {
  const list = indices === undefined ? [] : Array.isArray(indices) ? indices : [indices];
  return list
    .flatMap((entry) => entry.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * OpenSearch's SnapshotUtils.filterIndices, quirks included (a leading exclusion starts from every
 * index; a pattern before any explicit name seeds the set from the first i available indices), so
 * the gateway judges the same set the node will restore. Unknown plain names are left to the node.
 */
export function selectRestoredIndices(available: string[], selected: string[]): string[] {
  if (selected.length === 0 || (selected.length === 1 && selected[0] === '_all')) return [...available];
  let result: Set<string> | undefined;
  selected.forEach((expression, i) => {
    let pattern = expression;
    let add = true;
    if (pattern.length > 0) {
      if (available.includes(pattern)) {
        result ??= new Set();
        result.add(pattern);
        return;
      }
      if (pattern.startsWith('+')) {
        pattern = pattern.slice(1);
        if (i === 0) result = new Set();
      } else if (pattern.startsWith('-')) {
        if (i === 0) result = new Set(available);
        add = false;
        pattern = pattern.slice(1);
      }
    }
    if (pattern.length === 0 || !pattern.includes('*')) {
      if (!available.includes(pattern)) {
        result ??= new Set(available.slice(0, i));
      } else if (result) {
        if (add) result.add(pattern);
        else result.delete(pattern);
      }
      return;
    }
    result ??= new Set(available.slice(0, i));
    for (const index of available) {
      if (simpleMatch(pattern, index)) {
        if (add) result.add(index);
        else result.delete(index);
      }
    }
  });
  return result ? [...result] : selected;
}

/** OpenSearch's Regex.simpleMatch: only `*` is special. */
export function simpleMatch(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(value);
}

function renamed(index: string, pattern: string | undefined, replacement: string | undefined): string {
  if (!pattern || replacement === undefined) return index;
  try {
    // Java's String.replaceAll; `$1` group references read the same in JavaScript.
    return index.replace(new RegExp(pattern, 'g'), replacement);
  } catch {
    return index;
  }
}
