#!/usr/bin/env bash
# Supply-chain checks with cargo-deny: known advisories, licenses, banned/duplicate crates, sources
# (deny.toml; the policy is docs/adr/0008-supply-chain-policy.md).
#
# Works without access to the advisory database's git host: the advisories come from the snapshot
# committed in deploy/advisory-db/, turned into a local git repository under .tools/ (cargo-deny
# only opens a database that is a git checkout), and cargo-deny runs with --frozen (no network).
# Needs cargo, git, and crates.io (to install cargo-deny once and to fetch crate sources).
# Idempotent: cargo-deny is built once into .tools/cargo (about 3.5 minutes on 2 cores); the local
# database is rebuilt only when the snapshot changes.
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "== cargo deny (advisories, licenses, bans, sources)"

deny_version=0.20.2
bin=.tools/cargo/bin/cargo-deny
snapshot=deploy/advisory-db
# cargo-deny keeps each database in <db-path>/<last URL segment>-<xxhash64 of the URL>; this is the
# name 0.20.2 derives from deny.toml's db-urls. If an upgrade changes it, cargo-deny's error names
# the directory it expected: put that name here.
db=.tools/advisory-dbs/advisory-db-3157b0e258782691

command -v cargo >/dev/null || { echo "deny: cargo not found; install Rust with rustup (https://rustup.rs)" >&2; exit 1; }
command -v git >/dev/null || { echo "deny: git not found; install it (apt-get install git)" >&2; exit 1; }

if ! "$bin" --version 2>/dev/null | grep -qx "cargo-deny $deny_version"; then
  echo "deny: installing cargo-deny $deny_version from crates.io into .tools/cargo (a few minutes)"
  cargo install --locked --quiet --root .tools/cargo cargo-deny --version "$deny_version" || {
    echo "deny: cargo install cargo-deny failed; it needs crates.io and a C compiler (apt-get install build-essential)" >&2
    exit 1
  }
fi

# The date the snapshot was taken, from its manifest ("# taken: YYYY-MM-DD").
taken=$(sed -n 's/^# taken: \([0-9-]*\)$/\1/p' "$snapshot/MANIFEST.tsv")
[ -n "$taken" ] || { echo "deny: $snapshot/MANIFEST.tsv has no '# taken: YYYY-MM-DD' line" >&2; exit 1; }

stamp=$db/.snapshot-$( (cd "$snapshot" && find crates MANIFEST.tsv -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "deny: building the local advisory database from $snapshot (taken $taken)"
  rm -rf "$db"
  mkdir -p "$db"
  cp -R "$snapshot/crates" "$db/crates"
  git -c init.defaultBranch=main init -q "$db"
  git -C "$db" add crates
  # The commit and HEAD carry the snapshot's date, so cargo-deny's maximum-db-staleness measures
  # the age of the advisories, not the age of this copy.
  GIT_AUTHOR_DATE="${taken}T00:00:00Z" GIT_COMMITTER_DATE="${taken}T00:00:00Z" \
    git -C "$db" -c user.name=lofte-deny -c user.email=deny@lofte.invalid -c commit.gpgsign=false \
    commit -q -m "advisory snapshot taken $taken"
  touch -d "${taken}T00:00:00Z" "$db/.git/HEAD"
  touch "$stamp"
fi

age_days=$(( ($(date -u +%s) - $(date -u -d "$taken" +%s)) / 86400 ))
if [ "$age_days" -gt 90 ]; then
  echo "deny: WARNING: the advisory snapshot is $age_days days old (taken $taken); refresh it as" \
    "docs/adr/0008-supply-chain-policy.md says. Past 365 days this check fails." >&2
fi

# --frozen runs `cargo metadata --offline`, which needs the sources of every platform's crates.
cargo fetch --locked --quiet

echo "deny: cargo deny check (advisories snapshot of $taken, $(find "$db/crates" -name '*.md' | wc -l) advisories)"
if ! "$bin" --frozen check --hide-inclusion-graph; then
  echo "deny: FAILED; the same check again with the dependency paths that lead to each finding:" >&2
  "$bin" --frozen check >&2 || true
  exit 1
fi
