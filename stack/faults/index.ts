// Fault proxies in front of the whole stack: S3 and STS (both moto) and the two domain gateways. The
// action reaches them the way it reaches AWS: the SDK's own endpoint variables and the endpoint inputs.
import { startFaultProxy, type FaultProxyState, type ProxiedRequest, type RunningFaultProxy } from './proxy.js';
import type { FaultPlanSpec } from './plan.js';
import type { Service } from './operations.js';

export { startFaultProxy, type FaultProxyState, type ProxiedRequest } from './proxy.js';
export { FAULT_KINDS, type FaultKind, type FaultPlanSpec, type FaultRule } from './plan.js';
export { seededRandom } from '../random.js';

export type ProxyName = 's3' | 'sts' | 'source' | 'target';

/** Drives one proxy through its control endpoint. */
export class FaultControl {
  constructor(
    readonly name: ProxyName,
    readonly url: string,
  ) {}

  async plan(spec: FaultPlanSpec): Promise<FaultProxyState> {
    return this.request('POST', JSON.stringify(spec));
  }

  async state(withLog = false): Promise<FaultProxyState & { log: ProxiedRequest[] }> {
    return this.request('GET', undefined, withLog ? '?log=1' : '');
  }

  async reset(): Promise<FaultProxyState> {
    return this.request('DELETE');
  }

  private async request<T>(method: string, body?: string, query = ''): Promise<T> {
    const res = await fetch(`${this.url}/_faults${query}`, {
      method,
      body,
      headers: body ? { 'content-type': 'application/json' } : {},
    });
    const json = (await res.json()) as T & { message?: string };
    if (!res.ok) throw new Error(`fault proxy ${this.name}: ${json.message ?? res.status}`);
    return json;
  }
}

export interface StackFaultProxies {
  controls: Record<ProxyName, FaultControl>;
  /** For runAction's `env`: the SDK's endpoint variables pointing at the S3 and STS proxies. */
  env: Record<string, string>;
  /** For stackInputs: the domain endpoints pointing at the gateway proxies. */
  inputs: Record<string, string>;
  /** Sum of every proxy's injected faults, by kind. */
  injected(): Promise<Record<string, number>>;
  resetAll(): Promise<void>;
  close(): Promise<void>;
}

/** `stackEnv` is the stack's env file (AWS_ENDPOINT_URL, STACK_SOURCE_ENDPOINT, STACK_TARGET_ENDPOINT). */
export async function startStackFaultProxies(
  stackEnv: Record<string, string>,
  log?: (line: string) => void,
): Promise<StackFaultProxies> {
  const specs: Array<[ProxyName, Service, string]> = [
    ['s3', 's3', stackEnv.AWS_ENDPOINT_URL!],
    ['sts', 'sts', stackEnv.AWS_ENDPOINT_URL!],
    ['source', 'domain', stackEnv.STACK_SOURCE_ENDPOINT!],
    ['target', 'domain', stackEnv.STACK_TARGET_ENDPOINT!],
  ];
  const running: Array<[ProxyName, RunningFaultProxy]> = [];
  try {
    for (const [name, service, upstream] of specs) {
      running.push([name, await startFaultProxy({ service, upstream, log: log && ((l) => log(`[${name}] ${l}`)) })]);
    }
  } catch (err) {
    await Promise.all(running.map(([, p]) => p.close()));
    throw err;
  }
  const url = Object.fromEntries(running.map(([name, p]) => [name, p.url])) as Record<ProxyName, string>;
  const controls = Object.fromEntries(running.map(([name, p]) => [name, new FaultControl(name, p.url)])) as Record<
    ProxyName,
    FaultControl
  >;
  return {
    controls,
    env: { AWS_ENDPOINT_URL_S3: url.s3, AWS_ENDPOINT_URL_STS: url.sts },
    inputs: { 'source-endpoint': url.source, 'target-endpoint': url.target },
    async injected() {
      const total: Record<string, number> = {};
      for (const c of Object.values(controls)) {
        for (const [kind, n] of Object.entries((await c.state()).injected)) total[kind] = (total[kind] ?? 0) + (n ?? 0);
      }
      return total;
    },
    async resetAll() {
      await Promise.all(Object.values(controls).map((c) => c.reset()));
    },
    close: () => Promise.all(running.map(([, p]) => p.close())).then(() => undefined),
  };
}
