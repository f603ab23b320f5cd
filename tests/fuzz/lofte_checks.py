"""Lofte's own schemathesis checks, loaded with SCHEMATHESIS_HOOKS=lofte_checks.

Every response to a fuzzed request is checked for what issue 7 promises beyond schemathesis's
built-in checks:

- a rejection (4xx) is application/problem+json with the answered status, a
  urn:lofte:problem: type, a title and a detail; 401 carries WWW-Authenticate, 429 Retry-After;
- after a rejection the ledger's log is unchanged: the same last seq and head hash as just
  before the request (events the notifier's own clock writes meanwhile, authored by a service
  token, are told apart; the fuzzing never uses a service token);
- no secret (the tokens in play) appears in any response body.

The environment says where the ledger is and which token reads its log:
LOFTE_FUZZ_LEDGER (base URL), LOFTE_FUZZ_READ_TOKEN (an auditor's), LOFTE_FUZZ_SECRETS
(comma-separated values that must never be echoed).
"""

import json
import os
import urllib.request

import schemathesis

LEDGER = os.environ["LOFTE_FUZZ_LEDGER"].rstrip("/")
READ_TOKEN = os.environ["LOFTE_FUZZ_READ_TOKEN"]
SECRETS = [s for s in os.environ.get("LOFTE_FUZZ_SECRETS", "").split(",") if s]

_head_before_call = {}


def _get(path):
    req = urllib.request.Request(LEDGER + path, headers={"Authorization": f"Bearer {READ_TOKEN}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def head():
    """The ledger's last durable seq and its hash."""
    seq = _get("/readyz")["head_seq"]
    if seq == 0:
        return (0, None)
    events = _get(f"/v1/events?after={seq - 1}&limit=1")["events"]
    return (seq, events[0]["hash"] if events else None)


def events_after(seq):
    out = []
    while True:
        page = _get(f"/v1/events?after={seq}&limit=1000")
        out += page["events"]
        if not page["events"]:
            return out
        seq = page["next_after"]


@schemathesis.hook
def before_call(context, case, kwargs):
    _head_before_call["head"] = head()


def _header(response, name):
    values = response.headers.get(name.lower()) or []
    return values[0] if values else None


@schemathesis.check
def rejection_is_problem_json(ctx, response, case):
    """Every 4xx answer is a problem document that names its status."""
    if not 400 <= response.status_code < 500:
        return None
    ctype = _header(response, "content-type") or ""
    assert ctype.startswith("application/problem+json"), f"{response.status_code} answered as {ctype!r}"
    doc = json.loads(response.content)
    assert doc.get("status") == response.status_code, f"problem status {doc.get('status')} != {response.status_code}"
    assert str(doc.get("type", "")).startswith("urn:lofte:problem:"), f"problem type {doc.get('type')!r}"
    assert doc.get("title") and isinstance(doc.get("detail"), str), "problem without title or detail"
    if response.status_code == 401:
        assert _header(response, "www-authenticate"), "401 without WWW-Authenticate"
    if response.status_code == 429:
        assert _header(response, "retry-after"), "429 without Retry-After"
    return True


@schemathesis.check
def log_unchanged_after_rejection(ctx, response, case):
    """A rejected request leaves the ledger's last seq and head hash as they were."""
    if response.status_code < 400 or "head" not in _head_before_call:
        return None
    before = _head_before_call["head"]
    now = head()
    if now == before:
        return True
    new = [e for e in events_after(before[0]) if not str(e.get("author", "")).startswith("service:")]
    assert not new, (
        f"rejected with {response.status_code}, yet the log went from seq {before[0]} to {now[0]}: "
        + ", ".join(f"{e['seq']} {e['kind']} by {e.get('author')}" for e in new[:5])
    )
    return True


@schemathesis.check
def no_secret_in_body(ctx, response, case):
    """No token in play is ever echoed back."""
    body = response.content or b""
    for s in SECRETS:
        assert s.encode() not in body, "a token appears in the response body"
    return True
