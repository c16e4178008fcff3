// The kinds of cluster metadata a migration carries over, each with how to list it on a domain and how
// to write one item. A snapshot restored without global state (the only way on Amazon OpenSearch
// Service, where fine-grained access control forbids restoring it) brings none of it along. All of these
// APIs are in the service's "Supported operations"; stored scripts have no list API of their own, so
// they are read from the cluster state's metadata (`GET _cluster/state/metadata`, also supported).
import { enc, type Transport } from '../search/transport.js';

export type MetadataKind =
  'stored-script' | 'search-template' | 'pipeline' | 'component-template' | 'index-template' | 'legacy-template';

/** The order items are written in: what others refer to comes first (scripts, then pipelines, components). */
export const KIND_ORDER: readonly MetadataKind[] = [
  'stored-script',
  'search-template',
  'pipeline',
  'component-template',
  'index-template',
  'legacy-template',
];

export const KIND_LABELS: Record<MetadataKind, string> = {
  'stored-script': 'stored script',
  'search-template': 'search template',
  pipeline: 'ingest pipeline',
  'component-template': 'component template',
  'index-template': 'index template',
  'legacy-template': 'legacy template',
};

/** One item of cluster metadata: its kind, name and definition as the domain returns it. */
export interface MetadataItem {
  kind: MetadataKind;
  name: string;
  body: Record<string, unknown>;
}

/** The path one item is written to (PUT with its body). */
export function itemPath(kind: MetadataKind, name: string): string {
  switch (kind) {
    case 'stored-script':
    case 'search-template':
      return `/_scripts/${enc(name)}`;
    case 'pipeline':
      return `/_ingest/pipeline/${enc(name)}`;
    case 'component-template':
      return `/_component_template/${enc(name)}`;
    case 'index-template':
      return `/_index_template/${enc(name)}`;
    case 'legacy-template':
      return `/_template/${enc(name)}`;
  }
}

/** The body that writes the item as listed (a stored script is listed bare and written under `script`). */
export function itemBody(item: MetadataItem): Record<string, unknown> {
  return item.kind === 'stored-script' || item.kind === 'search-template' ? { script: item.body } : item.body;
}

/** Engines without an API (e.g. no component templates before 7.8) answer 404 or 400 "no handler". */
async function listing(t: Transport, path: string, query?: Record<string, string>): Promise<any> {
  try {
    return await t.call('GET', path, { ignore: [404], ...(query ? { query } : {}) });
  } catch (err) {
    if ((err as { status?: number }).status === 400 && /no handler|unrecognized/i.test(String(err))) return {};
    throw err;
  }
}

/** Every item of every kind on the domain, unfiltered (GET only: a plan changes nothing). */
export async function readMetadata(t: Transport): Promise<MetadataItem[]> {
  const [components, templates, legacy, pipelines, state] = await Promise.all([
    listing(t, '/_component_template'),
    listing(t, '/_index_template'),
    listing(t, '/_template'),
    listing(t, '/_ingest/pipeline'),
    listing(t, '/_cluster/state/metadata', { filter_path: 'metadata.stored_scripts' }),
  ]);
  const items: MetadataItem[] = [];
  for (const c of components?.component_templates ?? [])
    items.push({ kind: 'component-template', name: String(c.name), body: c.component_template ?? {} });
  for (const c of templates?.index_templates ?? [])
    items.push({ kind: 'index-template', name: String(c.name), body: c.index_template ?? {} });
  for (const [name, body] of Object.entries<any>(legacy && !legacy.error ? legacy : {}))
    items.push({ kind: 'legacy-template', name, body: body ?? {} });
  for (const [name, body] of Object.entries<any>(pipelines && !pipelines.error ? pipelines : {}))
    items.push({ kind: 'pipeline', name, body: body ?? {} });
  for (const [name, body] of Object.entries<any>(state?.metadata?.stored_scripts ?? {}))
    items.push({ kind: body?.lang === 'mustache' ? 'search-template' : 'stored-script', name, body: body ?? {} });
  return items;
}

/** Writes one item (create or replace). */
export function writeItem(t: Transport, item: MetadataItem): Promise<unknown> {
  return t.call('PUT', itemPath(item.kind, item.name), { body: itemBody(item) });
}
