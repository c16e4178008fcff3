// The engines a side of the stack can run, chosen at `stack:up` by STACK_SOURCE_ENGINE /
// STACK_TARGET_ENGINE. Each is its own Maven module (their classpaths conflict), built only when a
// stack asks for it; stack/README.md says what each loads and why.
import { join } from 'node:path';
import { projectRoot } from './layout.js';

export const ENGINE_NAMES = ['opensearch-3.8', 'opensearch-2.19', 'elasticsearch-7.10'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export const DEFAULT_ENGINE: EngineName = 'opensearch-3.8';

export interface Engine {
  name: EngineName;
  /** The Maven module under stack/ and the jar it builds. */
  project: string;
  jar: string;
  /** Java versions the engine runs on. */
  java: { min: number; max?: number };
  /**
   * `s3`: the node has repository-s3 and snapshots to moto itself. `fs`: no S3 plugin exists for the
   * engine; the node writes an fs repository under path.repo and the gateway syncs it with the bucket.
   */
  snapshots: 's3' | 'fs';
  /** The engine's family: Elasticsearch domains serve the security API under _opendistro. */
  distribution: 'opensearch' | 'elasticsearch';
}

const ENGINES: Record<EngineName, Omit<Engine, 'name'>> = {
  // repository-s3 is on Maven Central from 3.1.0 on, and 3.x needs Java 21+.
  'opensearch-3.8': {
    project: 'opensearch-node',
    jar: 'opensearch-node.jar',
    java: { min: 21 },
    snapshots: 's3',
    distribution: 'opensearch',
  },
  // 2.19 itself runs on 17, but the repository-s3 3.1.0 classes it borrows need 21+.
  'opensearch-2.19': {
    project: 'opensearch-2.19-node',
    jar: 'opensearch-2.19-node.jar',
    java: { min: 21 },
    snapshots: 's3',
    distribution: 'opensearch',
  },
  // 7.10.2 was built for 15 and runs on 17; newer JDKs are untried.
  'elasticsearch-7.10': {
    project: 'elasticsearch-7.10-node',
    jar: 'elasticsearch-7.10-node.jar',
    java: { min: 17, max: 17 },
    snapshots: 'fs',
    distribution: 'elasticsearch',
  },
};

export function engine(name: string = DEFAULT_ENGINE): Engine {
  if (!(ENGINE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown engine ${JSON.stringify(name)}: one of ${ENGINE_NAMES.join(', ')}`);
  }
  return { name: name as EngineName, ...ENGINES[name as EngineName] };
}

/** The engine each side runs, from the environment `stack:up` was given. */
export function sideEngines(env: NodeJS.ProcessEnv = process.env): { source: Engine; target: Engine } {
  return {
    source: engine(env.STACK_SOURCE_ENGINE || DEFAULT_ENGINE),
    target: engine(env.STACK_TARGET_ENGINE || DEFAULT_ENGINE),
  };
}

export const projectDir = (e: Engine) => join(projectRoot, 'stack', e.project);
