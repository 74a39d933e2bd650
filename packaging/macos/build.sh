#!/usr/bin/env bash
# Build kpdesk for macOS: dist/kpdesk.app and a disk image dist/kpdesk-VERSION.dmg to drag it into
# Programmer (Applications). Run from the repository with Python 3.11 or 3.12 from python.org:
#
#     bash packaging/macos/build.sh
#
# Kept working by review and by .github/workflows/bundle.yml; it cannot be built on the Linux CI machine.
# Not signed or notarised: the first start needs right-click › Åpne (see packaging/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[bundle]"

rm -rf dist/kpdesk dist/kpdesk.app build/pyinstaller
.venv/bin/pyinstaller packaging/kpdesk.spec --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller

version="$(.venv/bin/python -c 'import kpdesk; print(kpdesk.__version__)')"
staging="$(mktemp -d)"
cp -R dist/kpdesk.app "$staging/"
ln -s /Applications "$staging/Programmer"
hdiutil create -quiet -volname "kpdesk $version" -srcfolder "$staging" -ov -format UDZO "dist/kpdesk-$version.dmg"
rm -rf "$staging"
echo "Bygget dist/kpdesk.app og dist/kpdesk-$version.dmg"
