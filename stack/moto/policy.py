"""The stack's one IAM policy evaluator: moto's (moto.iam.access_control.IAMPolicy), with IAM's rules
put back where moto's evaluator parts from them.

Every IAM decision of the test ground comes through here: SimulatePrincipalPolicy and the opt-in S3
authorization (iam_checks.py), the domain gateways' iam:PassRole and es:ESHttp* decisions
(POST /_stack/authorize, iam_checks.py), and the unit tests that judge policy documents without a
stack (this file run as a program: one JSON question per line on stdin, one answer per line on stdout).

moto judges each statement: Action/NotAction, Resource, Effect, as PERMITTED, DENIED or NEUTRAL. Where
it differs from IAM (IAM User Guide, "Policy evaluation logic" and "IAM JSON policy element reference"),
IAM's behaviour is kept:
- Wildcards. moto reads a pattern as a regular expression in which only `*` is widened (so `?` and `.`
  are regex syntax) and compares case-sensitively. IAM: `*` any run of characters, `?` exactly one,
  everything else literal; action names are case-insensitive. Patterns reach moto escaped, actions
  lower-cased.
- Conditions. moto evaluates StringEquals only (any other operator passes), compares keys
  case-sensitively, lets a missing key pass, and answers DENIED (an explicit deny) when an Allow's
  condition fails. IAM: keys are case-insensitive; a missing key fails the condition unless the
  operator is an ...IfExists or a negated one; a statement whose condition does not hold does not
  apply. Conditions are judged here (the string and ARN operators), before moto sees the statement.
- NotResource. moto ignores it (and judges the statement as one without a Resource). Judged here.
- A statement without Resource (a trust policy's). moto answers PERMITTED whatever its Effect; in IAM a
  Deny denies. It reaches moto with Resource "*": it applies to the resource asked about.
"""
import json
import re
import sys
from urllib.parse import unquote

from moto.iam.access_control import IAMPolicy, PermissionResult

ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY = "allowed", "explicitDeny", "implicitDeny"  # SimulatePrincipalPolicy's words


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse(document):
    """A policy document as IAM stores it (moto hands it back URL-encoded, like AWS) or as a dict."""
    if isinstance(document, dict):
        return document
    text = document.decode() if isinstance(document, bytes) else document
    if text.lstrip().startswith("%") or "%22" in text:
        text = unquote(text)
    return json.loads(text)


def wildcard(pattern, value, ignore_case):
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL) is not None


def _moto_pattern(pattern):
    # moto turns `*` into `.*` and matches the rest as a regular expression: hand it the rest escaped.
    return "".join("*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


def _condition_holds(conditions, context):
    for raw_operator, entries in (conditions or {}).items():
        if_exists = raw_operator.endswith("IfExists")
        operator = raw_operator[: -len("IfExists")] if if_exists else raw_operator
        for key, expected in entries.items():
            actual = context.get(key.lower())
            values = [str(v) for v in as_list(expected)]
            if actual is None:
                if if_exists or operator.startswith("StringNot") or operator.startswith("ArnNot"):
                    continue
                return False
            if operator == "StringEquals":
                ok = actual in values
            elif operator == "StringNotEquals":
                ok = actual not in values
            elif operator == "StringEqualsIgnoreCase":
                ok = actual.lower() in [v.lower() for v in values]
            elif operator == "StringNotEqualsIgnoreCase":
                ok = actual.lower() not in [v.lower() for v in values]
            elif operator in ("StringLike", "ArnLike", "ArnEquals"):
                ok = any(wildcard(v, actual, False) for v in values)
            elif operator in ("StringNotLike", "ArnNotLike", "ArnNotEquals"):
                ok = not any(wildcard(v, actual, False) for v in values)
            else:
                ok = False  # an operator not modelled never grants (and, in a Deny, never matches)
            if not ok:
                return False
    return True


def statement_result(statement, action, resource, context):
    """moto's PermissionResult for one statement, with IAM's rules where moto's differ (see above)."""
    if statement.get("Effect") not in ("Allow", "Deny"):
        return PermissionResult.NEUTRAL
    if not _condition_holds(statement.get("Condition"), context):
        return PermissionResult.NEUTRAL
    if "NotResource" in statement and any(wildcard(p, resource, False) for p in as_list(statement["NotResource"])):
        return PermissionResult.NEUTRAL
    for_moto = {
        "Effect": statement["Effect"],
        "Resource": [_moto_pattern(p) for p in as_list(statement.get("Resource", "*"))],
    }
    for element in ("Action", "NotAction"):
        if element in statement:
            for_moto[element] = [_moto_pattern(p.lower()) for p in as_list(statement[element])]
            break
    else:
        return PermissionResult.NEUTRAL  # IAM refuses a statement with neither
    return IAMPolicy(json.dumps({"Statement": for_moto})).is_action_permitted(action.lower(), resource)


def evaluate(documents, action, resource, context=None):
    """ALLOWED, EXPLICIT_DENY or IMPLICIT_DENY for a set of policies, and the Sids of the statements that decided."""
    context = {k.lower(): v for k, v in (context or {}).items()}
    allowed = []
    for document in documents:
        for statement in as_list(parse(document).get("Statement")):
            result = statement_result(statement, action, resource, context)
            if result == PermissionResult.DENIED:
                return EXPLICIT_DENY, [statement.get("Sid", "")]
            if result == PermissionResult.PERMITTED:
                allowed.append(statement.get("Sid", ""))
    return (ALLOWED, allowed) if allowed else (IMPLICIT_DENY, [])


def combine(layers, action, resource, context=None):
    """IAM's answer over layers that must each allow (identity policies, a permissions boundary, a session
    policy): an explicit deny in any wins, an implicit deny in any denies. Sids are the first layer's."""
    decision, sids = ALLOWED, []
    for i, layer in enumerate(layers):
        d, matched = evaluate(layer, action, resource, context)
        if d == EXPLICIT_DENY:
            return d, matched
        if d == IMPLICIT_DENY:
            decision = d
        if i == 0:
            sids = matched
    return decision, sids if decision == ALLOWED else []


def main():
    """One question per line: {"documents": [...], "action", "resource", "context"?} -> {"decision", "sids"}."""
    for line in sys.stdin:
        if not line.strip():
            continue
        q = json.loads(line)
        decision, sids = evaluate(q["documents"], q["action"], q["resource"], q.get("context"))
        sys.stdout.write(json.dumps({"decision": decision, "sids": sids}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
