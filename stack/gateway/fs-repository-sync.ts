// Snapshots of an engine with no S3 plugin (Elasticsearch 7.10: none is published for it). The action
// registers an `s3` repository with role_arn, as every managed domain requires; the gateway checks it
// as for any domain, gives the node an `fs` repository under path.repo instead, answers
// `GET _snapshot/<repo>` with the s3 repository the action registered, and uploads the fs repository's
// files unchanged to the bucket prefix before the first answer that shows a snapshot finished. What
// lands in the bucket is what the engine wrote, byte for byte: a real snapshot of that engine.
// Why a sync and not an s3fs mount: stack/README.md ("Elasticsearch snapshots and the bucket").
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { RepositoryBody } from './repository-registration.js';

interface SyncedRepository {
  /** What the action registered (type s3), as GET _snapshot/<repo> answers it. */
  registered: RepositoryBody;
  bucket: string;
  basePath: string;
  location: string;
  uploaded: Set<string>;
}

export class FsRepositorySync {
  private readonly repositories = new Map<string, SyncedRepository>();

  constructor(
    private readonly root: string,
    private readonly s3: (region: string) => S3Client,
    private readonly region: string,
  ) {}

  /** The fs repository the node gets in place of the s3 one the action registered (already checked). */
  nodeRepository(repository: string, registered: RepositoryBody): RepositoryBody {
    const settings = registered.settings ?? {};
    const location = join(this.root, repository);
    this.repositories.set(repository, {
      registered,
      bucket: String(settings['bucket'] ?? ''),
      basePath: String(settings['base_path'] ?? '').replace(/^\/+|\/+$/g, ''),
      location,
      uploaded: new Set(),
    });
    const readonly = settings['readonly'];
    return { type: 'fs', settings: { location, ...(readonly !== undefined ? { readonly } : {}) } };
  }

  synced(repository: string): boolean {
    return this.repositories.has(repository);
  }

  /** `GET _snapshot/<repo>` as the managed domain answers it: the s3 repository that was registered. */
  describe(repository: string): Record<string, unknown> | undefined {
    const r = this.repositories.get(repository);
    if (!r) return undefined;
    const settings = Object.fromEntries(Object.entries(r.registered.settings ?? {}).map(([k, v]) => [k, String(v)]));
    return { [repository]: { type: 's3', settings } };
  }

  /** Uploads every file of the fs repository once a snapshot of it has finished (each snapshot once). */
  async uploadFinished(repository: string, snapshot: string, state: string | undefined): Promise<void> {
    const r = this.repositories.get(repository);
    if (!r || r.uploaded.has(snapshot) || (state !== 'SUCCESS' && state !== 'PARTIAL')) return;
    const client = this.s3(this.region);
    for (const file of filesUnder(r.location)) {
      const key = [r.basePath, relative(r.location, file)].filter(Boolean).join('/');
      await client.send(new PutObjectCommand({ Bucket: r.bucket, Key: key, Body: readFileSync(file) }));
    }
    r.uploaded.add(snapshot);
  }
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}
