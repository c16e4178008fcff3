// Who holds an access key, and its secret, as moto knows it. moto exposes no API that returns a
// secret after issuing it; the stack runs moto through stack/moto/serve.py, which adds
// GET /_stack/credentials with the STS and IAM sections of moto's model dump, in the dump's shape:
//   sts.AssumedRole[]: access_key_id, secret_access_key, session_token, arn (assumed-role session ARN),
//                      role_arn, account_id, policy (session policy or null)   <- AssumeRole / AssumeRoleWithWebIdentity
//   iam.AccessKey[]:   access_key_id, secret_access_key, status, user_name, role_arn (null for user keys)
//   iam.User[]:        name, arn, account_id
// It is read on a miss (at most every minRefetchMs), and in the background once the cached copy is
// older than maxAgeMs.

export interface CallerCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Present for temporary credentials; requests must carry exactly this token. */
  sessionToken?: string;
  /** The ARN AWS names the caller by in error messages (assumed-role session ARN or user ARN). */
  callerArn: string;
  /** The IAM identity whose policies apply: the role ARN or the user ARN. */
  principalArn: string;
  kind: 'assumed-role' | 'user';
  accountId: string;
  /** Session policy given to AssumeRole, if any: it narrows what the role's policies allow. */
  sessionPolicy?: string;
}

interface ModelDump {
  sts?: { AssumedRole?: AssumedRoleModel[] };
  iam?: { AccessKey?: AccessKeyModel[]; User?: UserModel[] };
}
interface AssumedRoleModel {
  access_key_id: string;
  secret_access_key: string;
  session_token: string;
  arn: string;
  role_arn: string;
  account_id: string;
  policy: string | null;
}
interface AccessKeyModel {
  access_key_id: string;
  secret_access_key: string;
  status: string;
  user_name: string | null;
  role_arn: string | null;
}
interface UserModel {
  name: string;
  arn: string;
  account_id: string;
}

export class MotoCredentialDirectory {
  private byKey = new Map<string, CallerCredentials>();
  private fetchedAt = 0;
  /** When the load that produced `byKey` was started: keys issued after it cannot be in it. */
  private loadedFrom = 0;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly motoUrl: string,
    private readonly options: { maxAgeMs?: number; minRefetchMs?: number } = {},
  ) {}

  /** The caller behind an access key id, or undefined when moto never issued it. */
  async lookup(accessKeyId: string): Promise<CallerCredentials | undefined> {
    const maxAge = this.options.maxAgeMs ?? 30_000;
    const minRefetch = this.options.minRefetchMs ?? 250;
    const age = Date.now() - this.fetchedAt;
    const cached = this.byKey.get(accessKeyId);
    if (cached) {
      // Secrets never change; re-reading only notices keys that went away, so it need not block.
      if (age >= maxAge) this.refresh().catch(() => undefined);
      return cached;
    }
    // A miss may be a key issued a moment ago: wait out the refetch interval (an unknown key hammering us
    // must not hammer moto) rather than refuse it, and read again if the list we got was started before
    // this request came in (a load already under way need not know a key issued while it ran).
    const askedAt = Date.now();
    if (age < minRefetch) await new Promise((r) => setTimeout(r, minRefetch - age));
    await this.refresh();
    if (!this.byKey.has(accessKeyId) && this.loadedFrom < askedAt) await this.refresh();
    return this.byKey.get(accessKeyId);
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async load(): Promise<void> {
    const startedAt = Date.now();
    const response = await fetch(new URL('/_stack/credentials', this.motoUrl));
    if (!response.ok) throw new Error(`moto's credential list answered ${response.status}`);
    const dump = (await response.json()) as ModelDump;
    const next = new Map<string, CallerCredentials>();
    const users = new Map<string, UserModel>();
    for (const user of dump.iam?.User ?? []) users.set(user.name, user);
    for (const key of dump.iam?.AccessKey ?? []) {
      // Keys with a role_arn are moto's shadow copies of STS credentials; the STS model is richer.
      if (key.role_arn || !key.user_name || key.status !== 'Active') continue;
      const user = users.get(key.user_name);
      if (!user) continue;
      next.set(key.access_key_id, {
        accessKeyId: key.access_key_id,
        secretAccessKey: key.secret_access_key,
        callerArn: user.arn,
        principalArn: user.arn,
        kind: 'user',
        accountId: user.account_id,
      });
    }
    for (const role of dump.sts?.AssumedRole ?? []) {
      next.set(role.access_key_id, {
        accessKeyId: role.access_key_id,
        secretAccessKey: role.secret_access_key,
        sessionToken: role.session_token,
        callerArn: role.arn,
        principalArn: role.role_arn,
        kind: 'assumed-role',
        accountId: role.account_id,
        sessionPolicy: role.policy ?? undefined,
      });
    }
    this.byKey = next;
    this.fetchedAt = Date.now();
    this.loadedFrom = startedAt;
  }
}
