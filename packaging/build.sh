#!/usr/bin/env bash
# Build kpdesk as a one-folder bundle: dist/kpdesk/kpdesk (Linux; see packaging/README.md for Windows
# and macOS). Run in a clean checkout: it installs what it needs itself (scripts/setup.sh install, then
# PyInstaller into the same .venv).
#
#     bash packaging/build.sh            # build
#     bash packaging/build.sh --smoke    # build, then packaging/smoke.sh on a copy under a Norwegian path
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh install
# PyInstaller as pyproject.toml's "bundle" extra names it (kpdesk itself is installed already).
bundle_requirement="$(.venv/bin/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["bundle"])')"
.venv/bin/python -m pip install -q --disable-pip-version-check $bundle_requirement

rm -rf dist/kpdesk build/pyinstaller
started=$(date +%s)
.venv/bin/pyinstaller packaging/kpdesk.spec --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller
# pyenv's libpython carries its debug symbols (about 19 MB of the 23); nothing else is stripped, since
# stripping the wheels' repaired libraries (numpy's OpenBLAS) breaks them.
strip --strip-debug dist/kpdesk/_internal/libpython3*.so* 2>/dev/null || true
echo "Bygget dist/kpdesk på $(( $(date +%s) - started )) s: $(du -sm dist/kpdesk | cut -f1) MB," \
  "$(find dist/kpdesk -type f | wc -l) filer."

if [ "${1:-}" = --smoke ]; then
  bash packaging/smoke.sh dist/kpdesk
fi
