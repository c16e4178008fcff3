// Which snapshot API a request is, in the words of the snapshot module's REST routes, so the rules
// of a managed domain can attach to the right calls and nothing else.

export type SnapshotRoute =
  | { kind: 'register-repository'; repository: string }
  | { kind: 'create-snapshot'; repository: string; snapshot: string }
  | { kind: 'restore'; repository: string; snapshot: string }
  | { kind: 'status' }
  | { kind: 'other' };

export function snapshotRoute(method: string, pathname: string): SnapshotRoute {
  const segments = pathname
    .split('/')
    .filter((s) => s.length > 0)
    .map(decodeSegment);
  if (segments[0] !== '_snapshot') return { kind: 'other' };
  const verb = method.toUpperCase();
  const [, repository, snapshot, action] = segments;
  if (segments.length === 2 && repository === '_status' && verb === 'GET') return { kind: 'status' };
  if (segments.length === 2 && repository && !repository.startsWith('_') && (verb === 'PUT' || verb === 'POST')) {
    return { kind: 'register-repository', repository };
  }
  if (
    segments.length === 3 &&
    repository &&
    snapshot &&
    !snapshot.startsWith('_') &&
    (verb === 'PUT' || verb === 'POST')
  ) {
    return { kind: 'create-snapshot', repository, snapshot };
  }
  if (segments.length === 4 && repository && snapshot && action === '_restore' && verb === 'POST') {
    return { kind: 'restore', repository, snapshot };
  }
  return { kind: 'other' };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
