"""moto_server with two additions, served faster.

The additions: GET /_stack/credentials, the keys moto has issued and their secrets; and the IAM answers
moto does not give (iam_checks.py: SimulatePrincipalPolicy, POST /_stack/authorize for the domain
gateways, opt-in S3 authorization), all judged by one policy evaluator (policy.py, moto's own).

The domain gateway must verify SigV4 signatures, so it needs the secret behind an access key id, as AWS
itself has. moto exposes no API for that, and its /moto-api/data.json model dump fails as a whole once
any model cannot be rendered (an S3 object whose bucket was deleted, for one) and grows with every S3
object. This endpoint reads the STS and IAM backends directly and returns only what the gateway needs,
in the same shape as the dump's sts/iam sections.

Served faster: on an HTTP/1.1 server that keeps connections open (http11.py, instead of werkzeug's,
which closes every one), and with moto's list of its own service modules read once: moto lists its
package directory and stats each of its ~200 entries on every request, under a lock all requests share.
"""
import json
import sys

import moto.backends
from moto.iam.models import iam_backends
from moto.server import DomainDispatcherApplication, create_backend_app
from moto.sts.models import sts_backends

from http11 import serve

from iam_checks import IamChecks  # SimulatePrincipalPolicy, /_stack/authorize, opt-in S3 authorization (its docstring)


def issued_credentials():
    assumed, keys, users = [], [], []
    for account_id, per_region in list(sts_backends.items()):
        for backend in list(per_region.values()):
            for role in list(backend.assumed_roles):
                assumed.append({
                    "access_key_id": role.access_key_id,
                    "secret_access_key": role.secret_access_key,
                    "session_token": role.session_token,
                    "arn": role.arn,
                    "role_arn": role.role_arn,
                    "account_id": role.account_id,
                    "policy": role.policy,
                })
    for account_id, per_partition in list(iam_backends.items()):
        for backend in list(per_partition.values()):
            for user in list(backend.users.values()):
                users.append({"name": user.name, "arn": user.arn, "account_id": account_id})
                for key in list(user.access_keys):
                    keys.append({
                        "access_key_id": key.access_key_id,
                        "secret_access_key": key.secret_access_key,
                        "status": key.status,
                        "user_name": user.name,
                        "role_arn": None,
                    })
    return {"sts": {"AssumedRole": assumed}, "iam": {"AccessKey": keys, "User": users}}


class WithIssuedCredentials:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/_stack/credentials":
            body = json.dumps(issued_credentials()).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return self.app(environ, start_response)


def read_module_list_once():
    # The same answer every time: the modules of the installed moto package.
    modules = tuple(moto.backends.list_of_moto_modules())
    moto.backends.list_of_moto_modules = lambda: modules


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    read_module_list_once()
    app = DomainDispatcherApplication(create_backend_app)
    serve(host, port, WithIssuedCredentials(IamChecks(app)))


if __name__ == "__main__":
    main()
