// The client side of a gateway's switches (control.ts), for tests and benchmarks: one POST, refused
// loudly, so a switch that did not take cannot leave a test measuring the wrong domain.
import type { ControlUpdate } from './control.js';

/** POST /_gateway/control on the gateway at `endpoint`; returns the gateway's state after the update. */
export async function gatewayControl(endpoint: string, update: ControlUpdate): Promise<Record<string, unknown>> {
  const r = await fetch(`${endpoint}/_gateway/control`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(update),
  });
  if (!r.ok) throw new Error(`gateway control at ${endpoint}: ${r.status} ${await r.text()}`);
  return (await r.json()) as Record<string, unknown>;
}
