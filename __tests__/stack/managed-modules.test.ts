// The modules a managed domain has (stack/README.md, "Modules per engine"), each proven by a request
// a user's domain would serve: an ingest pipeline with `set`, a painless script, a stored mustache
// search template, a join field and a percolator query. Both sides of the default stack run them.
import { Client } from '@opensearch-project/opensearch';
import { nodeClient, unique } from '../support/stack.js';

const ids = (body: any): string[] => body.hits.hits.map((h: any) => h._id);

describe.each(['source', 'target'] as const)('the %s node has the managed-domain modules', (side) => {
  let node: Client;
  const index = unique('t-modules');
  beforeAll(() => {
    node = nodeClient(side);
  });
  afterAll(async () => {
    await node.indices.delete({ index: `${index}*`, ignore_unavailable: true });
  });

  test('ingest-common: a pipeline with a set processor writes the field', async () => {
    const pipeline = unique('set-pipeline');
    await node.transport.request({
      method: 'PUT',
      path: `/_ingest/pipeline/${pipeline}`,
      body: { processors: [{ set: { field: 'migrated', value: 'yes' } }] },
    });
    await node.transport.request({
      method: 'PUT',
      path: `/${index}/_doc/1`,
      querystring: { pipeline, refresh: 'true' },
      body: { a: 1 },
    });
    const doc = await node.get({ index, id: '1' });
    expect(doc.body._source).toEqual({ a: 1, migrated: 'yes' });
    await node.ingest.deletePipeline({ id: pipeline });
  });

  test('lang-painless: a script runs', async () => {
    const res = await node.transport.request({
      method: 'POST',
      path: '/_scripts/painless/_execute',
      body: { script: { source: 'params.a * 6', params: { a: 7 } } },
    });
    expect(res.body).toEqual({ result: '42' });
  });

  test('lang-mustache: a stored search template renders and searches', async () => {
    const template = unique('template');
    await node.index({ index: `${index}-tmpl`, id: '1', body: { colour: 'green' }, refresh: true });
    await node.transport.request({
      method: 'POST',
      path: `/_scripts/${template}`,
      body: { script: { lang: 'mustache', source: { query: { match: { colour: '{{colour}}' } } } } },
    });
    const res = await node.transport.request({
      method: 'POST',
      path: `/${index}-tmpl/_search/template`,
      body: { id: template, params: { colour: 'green' } },
    });
    expect(ids(res.body)).toEqual(['1']);
    await node.deleteScript({ id: template });
  });

  test('parent-join: a join field maps and has_child finds the parent', async () => {
    const joined = `${index}-join`;
    await node.indices.create({
      index: joined,
      body: { mappings: { properties: { rel: { type: 'join', relations: { question: 'answer' } } } } },
    });
    await node.index({ index: joined, id: 'q', body: { rel: 'question' } });
    await node.index({ index: joined, id: 'a', routing: 'q', body: { rel: { name: 'answer', parent: 'q' } } });
    await node.indices.refresh({ index: joined });
    const res = await node.search({
      index: joined,
      body: { query: { has_child: { type: 'answer', query: { match_all: {} } } } },
    });
    expect(ids(res.body)).toEqual(['q']);
  });

  test('percolator: a stored query matches a document', async () => {
    const percolated = `${index}-perc`;
    await node.indices.create({
      index: percolated,
      body: { mappings: { properties: { query: { type: 'percolator' }, message: { type: 'text' } } } },
    });
    await node.index({ index: percolated, id: 'disk', body: { query: { match: { message: 'disk full' } } } });
    await node.indices.refresh({ index: percolated });
    const res = await node.search({
      index: percolated,
      body: { query: { percolate: { field: 'query', document: { message: 'the disk is full' } } } },
    });
    expect(ids(res.body)).toEqual(['disk']);
  });
});
