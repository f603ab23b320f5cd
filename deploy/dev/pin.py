#!/usr/bin/env python3
"""Prints hash-pinned requirement lines for exact package versions, for requirements-tools.txt.

    python3 deploy/dev/pin.py schemathesis==4.32.5 anyio==4.16.0 ...

Takes the sha256 of every wheel of that version that a Linux machine of ours may pick: pure
wheels, and compiled ones for CPython 3.11 to 3.13 (or abi3) on x86_64 and aarch64 (glibc). The
hashes come from the package index's simple pages (PEP 503), as pip sees them. To list the
versions to pin, resolve once in a scratch virtualenv:

    python3 -m venv /tmp/v && /tmp/v/bin/pip install --dry-run --report r.json schemathesis==X
"""

import re
import sys
import urllib.request

INDEX = "https://pypi.org/simple"
PYTHONS = ("cp311", "cp312", "cp313", "abi3", "py3", "py2.py3")
ARCHES = ("x86_64", "aarch64")


def wanted(filename: str, version: str) -> bool:
    if not filename.endswith(".whl"):
        return False
    parts = filename[:-4].split("-")
    if len(parts) < 5 or parts[1] != version:
        return False
    python, abi, platform = parts[-3], parts[-2], parts[-1]
    if platform == "any":
        return True
    if "musllinux" in platform or not any(a in platform for a in ARCHES):
        return False
    return "linux" in platform and (python in PYTHONS or abi in PYTHONS)


def hashes(name: str, version: str) -> list[str]:
    page = urllib.request.urlopen(f"{INDEX}/{name.lower()}/").read().decode()
    found = []
    for href in re.findall(r'href="([^"]+)"', page):
        url, _, frag = href.partition("#sha256=")
        filename = url.rsplit("/", 1)[-1]
        if frag and wanted(filename, version):
            found.append(frag)
    if not found:
        sys.exit(f"pin: no Linux wheel of {name}=={version} on the index")
    return sorted(set(found))


def main() -> None:
    for spec in sys.argv[1:]:
        name, _, version = spec.partition("==")
        lines = [f"{name}=={version}"] + [f"    --hash=sha256:{h}" for h in hashes(name, version)]
        print(" \\\n".join(lines))


if __name__ == "__main__":
    main()
