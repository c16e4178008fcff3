"""IAM answers moto does not give, read from moto's own IAM backend and judged by the stack's one
policy evaluator (policy.py: moto's, with IAM's rules where moto's differ).

What moto lacks and this adds: which policies apply to a principal (inline, attached and group
policies, the permissions boundary, the session policy of an assumed role) and how they combine (each
layer must allow; an explicit Deny anywhere wins; no Allow is an implicit deny).
- ``iam:SimulatePrincipalPolicy``: moto does not implement it. The action's preflight asks IAM whether
  its role may pass the snapshot role, call the domains and reach the buckets before it writes
  anything; here that question is answered from the policies moto holds, as IAM would (identity
  policies and the permissions boundary; a role ARN has no session).
- ``POST /_stack/authorize {"principal", "action", "resource", "context"?, "sessionPolicy"?}`` ->
  ``{"decision": "allowed" | "explicitDeny" | "implicitDeny"}``: the same answer for the domain
  gateways (iam:PassRole, es:ESHttp*), which ask instead of evaluating policies themselves.
- The caller of SimulatePrincipalPolicy and GetRole needs ``iam:SimulatePrincipalPolicy`` /
  ``iam:GetRole`` itself, as on AWS. Only keys moto issued are judged; the stack's own admin keys
  (unknown to moto's IAM) pass, as every key does in moto.
- S3 authorization, off by default because moto never checks it: ``POST /_stack/iam-checks
  {"s3": true}`` makes S3 requests signed with keys moto issued need the matching s3:* actions on
  the bucket or object ARN (CopyObject/UploadPartCopy also s3:GetObject on the source object).
  The OpenSearch nodes sign with the admin key, so the domains' own S3 access is not judged.
"""
import io
import json
import re
import uuid
from urllib.parse import parse_qs, unquote
from xml.sax.saxutils import escape

from moto.iam.models import iam_backends
from moto.sts.models import sts_backends

from policy import ALLOWED, IMPLICIT_DENY, combine

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"


# --- who is calling ------------------------------------------------------------------------------------

def caller_for(access_key_id):
    """(caller ARN for messages, principal ARN whose policies apply, session policy) or None."""
    for per_region in list(sts_backends.values()):
        for backend in list(per_region.values()):
            for role in list(backend.assumed_roles):
                if role.access_key_id == access_key_id:
                    return role.arn, role.role_arn, role.policy
    for per_partition in list(iam_backends.values()):
        for backend in list(per_partition.values()):
            for user in list(backend.users.values()):
                for key in list(user.access_keys):
                    if key.access_key_id == access_key_id:
                        return user.arn, user.arn, None
    return None


def _backend_for(arn):
    account = arn.split(":")[4]
    partition = arn.split(":")[1]
    return iam_backends[account][partition]


def _managed_document(policy):
    for version in policy.versions:
        if version.is_default:
            return version.document
    return "{}"


def _entity(principal_arn):
    backend = _backend_for(principal_arn)
    if ":role/" in principal_arn:
        return backend, next((r for r in backend.roles.values() if r.arn == principal_arn), None)
    if ":user/" in principal_arn:
        return backend, next((u for u in backend.users.values() if u.arn == principal_arn), None)
    return backend, None


def policies_of(principal_arn):
    """Identity-based policy documents (JSON text) of a role or user ARN; None when it does not exist."""
    backend, entity = _entity(principal_arn)
    if entity is None:
        return None
    docs = list(entity.policies.values()) + [_managed_document(p) for p in entity.managed_policies.values()]
    if ":user/" in principal_arn:
        for group in backend.get_groups_for_user(entity.name):
            docs += list(group.policies.values()) + [_managed_document(p) for p in group.managed_policies.values()]
    return docs


def _boundary_of(principal_arn):
    """The permissions boundary's document, when the role or user has one (moto keeps them on roles only)."""
    backend, entity = _entity(principal_arn)
    arn = getattr(entity, "permissions_boundary_arn", None)
    if not arn:
        return None
    policy = backend.managed_policies.get(arn)
    return _managed_document(policy) if policy else None


def layers_for(principal_arn, session_policy=None):
    """The policy layers IAM requires to allow: identity policies, the permissions boundary, the session policy."""
    documents = policies_of(principal_arn)
    if documents is None:
        return None
    layers = [documents]
    boundary = _boundary_of(principal_arn)
    if boundary:
        layers.append([boundary])
    if session_policy:
        layers.append([session_policy])
    return layers


def authorize(principal_arn, action, resource, context=None, session_policy=None):
    """IAM's decision for a principal (and its session's policy): allowed, explicitDeny or implicitDeny."""
    layers = layers_for(principal_arn, session_policy)
    if layers is None:
        return IMPLICIT_DENY  # a principal IAM does not know has no policy that could allow
    return combine(layers, action, resource, context)[0]


def decide_for_caller(caller, action, resource, context=None):
    """True when a moto-issued caller may do this."""
    _, principal_arn, session_policy = caller
    return authorize(principal_arn, action, resource, context, session_policy) == ALLOWED


# --- responses -------------------------------------------------------------------------------------------

def _xml(start_response, status, body):
    data = body.encode()
    start_response(status, [("Content-Type", "text/xml"), ("Content-Length", str(len(data)))])
    return [data]


def _iam_access_denied(start_response, caller_arn, action, resource):
    message = (
        f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource} "
        f"because no identity-based policy allows the {action} action"
    )
    return _xml(
        start_response,
        "403 Forbidden",
        f'<ErrorResponse xmlns="{IAM_NS}"><Error><Type>Sender</Type><Code>AccessDenied</Code>'
        f"<Message>{escape(message)}</Message></Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>",
    )


def _no_such_entity(start_response, arn):
    return _xml(
        start_response,
        "404 Not Found",
        f'<ErrorResponse xmlns="{IAM_NS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>'
        f"<Message>{escape(f'The principal {arn} cannot be found.')}</Message></Error>"
        f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>",
    )


def _members(params, name):
    """Query-protocol lists: Name.member.1, Name.member.2, ..."""
    out, i = [], 1
    while f"{name}.member.{i}" in params:
        out.append(params[f"{name}.member.{i}"])
        i += 1
    return out


def _context_entries(params):
    context, i = {}, 1
    while f"ContextEntries.member.{i}.ContextKeyName" in params:
        key = params[f"ContextEntries.member.{i}.ContextKeyName"]
        values = _members(params, f"ContextEntries.member.{i}.ContextKeyValues")
        if values:
            context[key.lower()] = values[0]
        i += 1
    return context


def simulate_principal_policy(params, start_response):
    arn = params.get("PolicySourceArn", "")
    layers = layers_for(arn) if arn.startswith("arn:") else None
    if layers is None:
        return _no_such_entity(start_response, arn)
    actions = _members(params, "ActionNames")
    resources = _members(params, "ResourceArns") or ["*"]
    context = _context_entries(params)
    members = []
    for action in actions:
        for resource in resources:
            decision, sids = combine(layers, action, resource, context)
            statements = "".join(
                f"<member><SourcePolicyId>{escape(sid)}</SourcePolicyId><SourcePolicyType>IAM Policy</SourcePolicyType></member>" for sid in sids
            )
            members.append(
                f"<member><EvalActionName>{escape(action)}</EvalActionName><EvalResourceName>{escape(resource)}</EvalResourceName>"
                f"<EvalDecision>{decision}</EvalDecision><MatchedStatements>{statements}</MatchedStatements>"
                "<MissingContextValues/></member>"
            )
    return _xml(
        start_response,
        "200 OK",
        f'<SimulatePrincipalPolicyResponse xmlns="{IAM_NS}"><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated>'
        f"<EvaluationResults>{''.join(members)}</EvaluationResults></SimulatePrincipalPolicyResult>"
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>",
    )


# --- S3 actions of a request ------------------------------------------------------------------------------

def s3_actions(method, path, query, headers, host):
    """[(action, resource ARN)] a request needs, path-style or virtual-hosted."""
    bucket, key = None, ""
    host_bucket = re.match(r"^([a-z0-9.-]+)\.s3[.-]", host or "")
    if host_bucket:
        bucket, key = host_bucket.group(1), path.lstrip("/")
    else:
        parts = path.lstrip("/").split("/", 1)
        bucket = parts[0] or None
        key = parts[1] if len(parts) > 1 else ""
    if not bucket:
        return [("s3:ListAllMyBuckets", "*")]
    key = unquote(key)
    bucket_arn = f"arn:aws:s3:::{bucket}"
    object_arn = f"{bucket_arn}/{key}"
    if not key:
        if "location" in query:
            return [("s3:GetBucketLocation", bucket_arn)]
        if method in ("GET", "HEAD"):
            return [("s3:ListBucket", bucket_arn)]
        if method == "PUT" and not query:
            return [("s3:CreateBucket", bucket_arn)]
        if method == "DELETE" and not query:
            return [("s3:DeleteBucket", bucket_arn)]
        if method == "POST" and "delete" in query:
            return [("s3:DeleteObject", f"{bucket_arn}/*")]
        return [("s3:ListBucket", bucket_arn)]
    copy_source = headers.get("HTTP_X_AMZ_COPY_SOURCE")
    needs = []
    if copy_source:
        source = unquote(copy_source.split("?")[0]).lstrip("/")
        needs.append(("s3:GetObject", f"arn:aws:s3:::{source}"))
    if "uploadId" in query:
        if method == "DELETE":
            return [("s3:AbortMultipartUpload", object_arn)]
        if method == "GET":
            return [("s3:ListMultipartUploadParts", object_arn)]
        return needs + [("s3:PutObject", object_arn)]
    if method in ("GET", "HEAD"):
        return [("s3:GetObjectTagging" if "tagging" in query else "s3:GetObject", object_arn)]
    if method in ("PUT", "POST"):
        return needs + [("s3:PutObject", object_arn)]
    if method == "DELETE":
        return [("s3:DeleteObject", object_arn)]
    return []


def _s3_access_denied(start_response):
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message>'
        f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId><HostId>stack</HostId></Error>"
    )
    return _xml(start_response, "403 Forbidden", body)


# --- the WSGI layer ------------------------------------------------------------------------------------------

_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")


class IamChecks:
    def __init__(self, app):
        self.app = app
        self.enforce_s3 = False

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/_stack/iam-checks":
            return self._control(environ, start_response, method)
        if path == "/_stack/authorize" and method == "POST":
            return self._authorize(environ, start_response)
        scope = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        if not scope:
            return self.app(environ, start_response)
        access_key_id, _, service = scope.groups()
        if service == "iam" and method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
            params = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
            action = params.get("Action")
            if action in ("SimulatePrincipalPolicy", "GetRole"):
                caller = caller_for(access_key_id)
                resource = params.get("PolicySourceArn") if action == "SimulatePrincipalPolicy" else self._role_arn(params.get("RoleName", ""))
                if caller and not decide_for_caller(caller, f"iam:{action}", resource):
                    return _iam_access_denied(start_response, caller[0], f"iam:{action}", resource)
                if action == "SimulatePrincipalPolicy":
                    return simulate_principal_policy(params, start_response)
        elif service == "s3" and self.enforce_s3:
            caller = caller_for(access_key_id)
            if caller:
                query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
                headers = {k: v for k, v in environ.items() if k.startswith("HTTP_")}
                for action, resource in s3_actions(method, path, query, headers, environ.get("HTTP_HOST", "")):
                    if not decide_for_caller(caller, action, resource):
                        return _s3_access_denied(start_response)
        return self.app(environ, start_response)

    @staticmethod
    def _role_arn(name):
        for per_partition in list(iam_backends.values()):
            for backend in list(per_partition.values()):
                for role in list(backend.roles.values()):
                    if role.name == name:
                        return role.arn
        return f"arn:aws:iam::123456789012:role/{name}"

    @staticmethod
    def _authorize(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        q = json.loads(environ["wsgi.input"].read(length) if length else b"{}")
        decision = authorize(q["principal"], q["action"], q["resource"], q.get("context"), q.get("sessionPolicy"))
        data = json.dumps({"decision": decision}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def _control(self, environ, start_response, method):
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            update = json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}
            if "s3" in update:
                self.enforce_s3 = bool(update["s3"])
        data = json.dumps({"s3": self.enforce_s3}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]
