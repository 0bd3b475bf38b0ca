#!/usr/bin/python3
"""JWT peer built on PyJWT 2.6 (Debian python3-jwt; RS/PS/ES/EdDSA need python3-cryptography).

Reads one JSON list of operations on stdin and prints one JSON list of results on stdout, in order:

  {"op": "sign", "alg": "ES256", "key": "/path/private.pem" | "secret": "text", "claims": {...},
   "kid": "k1" (optional), "tamper": true (optional: one character of the signature changed)}
      -> {"token": "..."}
  {"op": "verify", "token": "...", "alg": "ES256", "key": "/path/public.pem" | "secret": "text",
   "audience": "wsi" (optional), "issuer": "..." (optional)}
      -> {"valid": true, "header": {...}, "claims": {...}}
       | {"valid": false, "error": "ExpiredSignatureError: Signature has expired"}

An operation that cannot be carried out gives {"error": "..."} in its place. Verification uses the
current time, as PyJWT always does.
"""

import json
import sys

import jwt


def key_of(op):
    if "secret" in op:
        return op["secret"].encode()
    with open(op["key"], "rb") as pem:
        return pem.read()


def sign(op):
    alg = op["alg"]
    key = None if alg == "none" else key_of(op)
    headers = {"kid": op["kid"]} if op.get("kid") else None
    token = jwt.encode(op["claims"], key, algorithm=alg, headers=headers)
    if op.get("tamper"):
        header, payload, signature = token.split(".")
        changed = "B" if signature[0] != "B" else "C"
        token = ".".join([header, payload, changed + signature[1:]])
    return {"token": token}


def verify(op):
    try:
        claims = jwt.decode(
            op["token"],
            key_of(op),
            algorithms=[op["alg"]],
            audience=op.get("audience"),
            issuer=op.get("issuer"),
        )
    except jwt.PyJWTError as error:
        return {"valid": False, "error": f"{type(error).__name__}: {error}"}
    return {"valid": True, "header": jwt.get_unverified_header(op["token"]), "claims": claims}


def run(op):
    try:
        if op.get("op") == "sign":
            return sign(op)
        if op.get("op") == "verify":
            return verify(op)
        return {"error": f"unknown op {op.get('op')!r}"}
    except Exception as error:  # reported to the test, which names the operation
        return {"error": f"{type(error).__name__}: {error}"}


def main():
    operations = json.load(sys.stdin)
    json.dump([run(op) for op in operations], sys.stdout)
    print(flush=True)


if __name__ == "__main__":
    main()
