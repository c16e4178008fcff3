// The part of IAM's policy evaluation a domain needs to decide iam:PassRole (and es:ESHttp*):
// Allow/Deny statements, Action/NotAction and Resource/NotResource with `*` and `?` wildcards,
// an explicit Deny beats any Allow, and no Allow means an implicit deny. Conditions are evaluated
// for the string and ARN operators over the few context keys the gateway knows; a condition on a
// key it does not know behaves as AWS does for a missing key.

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export interface PolicyQuestion {
  action: string;
  resource: string;
  /** Request context keys, lower-cased names (e.g. "iam:passedtoservice"). */
  context?: Record<string, string>;
}

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

/** Parses a policy document as IAM stores it (moto returns it URL-encoded, like AWS). */
export function parsePolicyDocument(text: string): { Statement?: Statement | Statement[] } {
  const json = text.trimStart().startsWith('%') || text.includes('%22') ? decodeURIComponent(text) : text;
  return JSON.parse(json) as { Statement?: Statement | Statement[] };
}

export function evaluatePolicies(documents: string[], question: PolicyQuestion): Decision {
  let allowed = false;
  for (const text of documents) {
    const statements = toArray(parsePolicyDocument(text).Statement);
    for (const statement of statements) {
      if (!statementApplies(statement, question)) continue;
      if (statement.Effect === 'Deny') return 'explicit-deny';
      if (statement.Effect === 'Allow') allowed = true;
    }
  }
  return allowed ? 'allow' : 'implicit-deny';
}

function statementApplies(statement: Statement, q: PolicyQuestion): boolean {
  const actionOk =
    statement.Action !== undefined
      ? toArray(statement.Action).some((p) => wildcardMatch(p, q.action, true))
      : statement.NotAction !== undefined
        ? !toArray(statement.NotAction).some((p) => wildcardMatch(p, q.action, true))
        : false;
  if (!actionOk) return false;
  const resourceOk =
    statement.Resource !== undefined
      ? toArray(statement.Resource).some((p) => wildcardMatch(p, q.resource, false))
      : statement.NotResource !== undefined
        ? !toArray(statement.NotResource).some((p) => wildcardMatch(p, q.resource, false))
        : false;
  if (!resourceOk) return false;
  return conditionsHold(statement.Condition, q.context ?? {});
}

function conditionsHold(conditions: Statement['Condition'], context: Record<string, string>): boolean {
  if (!conditions) return true;
  for (const [rawOperator, entries] of Object.entries(conditions)) {
    const ifExists = rawOperator.endsWith('IfExists');
    const operator = ifExists ? rawOperator.slice(0, -'IfExists'.length) : rawOperator;
    for (const [key, expected] of Object.entries(entries)) {
      const actual = context[key.toLowerCase()];
      const values = toArray(expected).map(String);
      if (actual === undefined) {
        // Missing key: IfExists and negated operators hold, the others do not.
        if (ifExists || operator.startsWith('StringNot') || operator.startsWith('ArnNot')) continue;
        return false;
      }
      if (!conditionOperator(operator, actual, values)) return false;
    }
  }
  return true;
}

function conditionOperator(operator: string, actual: string, values: string[]): boolean {
  switch (operator) {
    case 'StringEquals':
      return values.includes(actual);
    case 'StringNotEquals':
      return !values.includes(actual);
    case 'StringEqualsIgnoreCase':
      return values.some((v) => v.toLowerCase() === actual.toLowerCase());
    case 'StringNotEqualsIgnoreCase':
      return !values.some((v) => v.toLowerCase() === actual.toLowerCase());
    case 'StringLike':
    case 'ArnLike':
    case 'ArnEquals':
      return values.some((v) => wildcardMatch(v, actual, false));
    case 'StringNotLike':
    case 'ArnNotLike':
    case 'ArnNotEquals':
      return !values.some((v) => wildcardMatch(v, actual, false));
    default:
      // An operator we do not model never grants (and, in a Deny, never matches): fail closed on Allow.
      return false;
  }
}

/** IAM wildcards: `*` any run of characters, `?` exactly one. Actions compare case-insensitively. */
export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
