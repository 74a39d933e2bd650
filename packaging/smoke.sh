#!/usr/bin/env bash
# Smoke-test a built bundle from a folder whose path has spaces and Norwegian letters, as on a
# coordinator's laptop: --version, demo, check, and the window's first paint (offscreen).
#
#     bash packaging/smoke.sh dist/kpdesk
set -euo pipefail
bundle="$(cd "${1:?bruk: packaging/smoke.sh MAPPE}" && pwd)"
max_mb="${KPDESK_BUNDLE_MAX_MB:-250}"

size_mb=$(du -sm "$bundle" | cut -f1)
echo "Pakken er $size_mb MB (høyst $max_mb)."
[ "$size_mb" -le "$max_mb" ] || { echo "FEIL: pakken er større enn $max_mb MB" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
home="$work/Bjørn Ødegård"
mkdir -p "$home/Programmer"
cp -a "$bundle" "$home/Programmer/kpdesk"
program="$home/Programmer/kpdesk/kpdesk"
db="$home/Dokumenter/kpdesk på Mosjøen.sqlite"
mkdir -p "$(dirname "$db")"
# A home of its own, so nothing of the caller's settings, logs or backups is read or written.
export HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
  XDG_CACHE_HOME="$home/.cache" KPDESK_LOG_DIR="$home/logg" QT_QPA_PLATFORM=offscreen
unset KPDESK_DB PYTHONPATH PYTHONHOME

step() { echo "--- $*"; }
step "kpdesk --version"
version="$("$program" --version)"
echo "$version"
[[ "$version" == kpdesk\ * ]] || { echo "FEIL: uventet versjon «$version»" >&2; exit 1; }

step "kpdesk demo"
"$program" demo --db "$db" --scale small
step "kpdesk check"
"$program" check --db "$db" | tail -n 3
step "kpdesk report handout (ReportLab, fonts, hyphenation)"
"$program" report handout --db "$db" --out "$home/møteunderlag.pdf" --as-of 2027-01-11 >/dev/null
[ -s "$home/møteunderlag.pdf" ] || { echo "FEIL: ingen PDF" >&2; exit 1; }
step "kpdesk (the window, offscreen, to its first painted list)"
limit=(); command -v timeout >/dev/null && limit=(timeout 60)  # macOS has no timeout(1)
probe="$(KPDESK_STARTUP_PROBE=1 "${limit[@]}" "$program" --db "$db")"
echo "$probe"
[[ "$probe" == *first_paint* ]] || { echo "FEIL: vinduet ble ikke tegnet" >&2; exit 1; }
step "wrong input: exit 1 and a message, no traceback"
set +e
err="$("$program" check --db "$home/finnes ikke.sqlite" 2>&1 >/dev/null)"; code=$?
set -e
echo "$err"
[ "$code" -ne 0 ] && [[ "$err" != *Traceback* ]] || { echo "FEIL: exit $code: $err" >&2; exit 1; }
echo "Røyktesten av $bundle bestod."
