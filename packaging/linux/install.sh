#!/usr/bin/env bash
# Install a built kpdesk bundle for the current user, into the desktop's menu (no administrator):
#
#     bash packaging/linux/install.sh [BUNDLE]      # BUNDLE: dist/kpdesk (default)
#     bash packaging/linux/install.sh --uninstall
#
# The program goes to ~/.local/lib/kpdesk, the command `kpdesk` to ~/.local/bin, the launcher,
# icons and AppStream metainfo to ~/.local/share/{applications,icons/hicolor,metainfo}. The data file and
# its backups are not touched by installing or uninstalling (see the user guide, «Installere»).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
bin_dir="$HOME/.local/bin"
program_dir="$HOME/.local/lib/kpdesk"
app_id="no.kpdesk.Kpdesk"
sizes=(16 24 32 48 64 128 256 512)

refresh_menus() {
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$data_home/applications" || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data_home/icons/hicolor" || true
}

if [ "${1:-}" = --uninstall ]; then
  rm -rf "$program_dir"
  rm -f "$bin_dir/kpdesk" "$data_home/applications/$app_id.desktop" "$data_home/metainfo/$app_id.metainfo.xml" \
    "$data_home/icons/hicolor/scalable/apps/$app_id.svg"
  for size in "${sizes[@]}"; do rm -f "$data_home/icons/hicolor/${size}x${size}/apps/$app_id.png"; done
  refresh_menus
  echo "kpdesk er avinstallert. Datafilen og sikkerhetskopiene er ikke rørt."
  exit 0
fi

bundle="${1:-$repo/dist/kpdesk}"
if [ ! -x "$bundle/kpdesk" ]; then
  echo "Fant ikke programmet $bundle/kpdesk. Bygg det først: bash packaging/build.sh" >&2
  exit 1
fi

mkdir -p "$(dirname "$program_dir")" "$bin_dir" "$data_home/applications" "$data_home/metainfo" \
  "$data_home/icons/hicolor/scalable/apps"
rm -rf "$program_dir.new"
cp -a "$bundle" "$program_dir.new"
rm -rf "$program_dir"
mv "$program_dir.new" "$program_dir"
ln -sfn "$program_dir/kpdesk" "$bin_dir/kpdesk"

# The launcher runs the installed program by its full path: ~/.local/bin is not on every menu's PATH.
sed "s|^Exec=kpdesk$|Exec=\"$program_dir/kpdesk\"|" "$here/$app_id.desktop" > "$data_home/applications/$app_id.desktop"
cp "$here/$app_id.metainfo.xml" "$data_home/metainfo/"
cp "$repo/resources/icons/kpdesk.svg" "$data_home/icons/hicolor/scalable/apps/$app_id.svg"
for size in "${sizes[@]}"; do
  mkdir -p "$data_home/icons/hicolor/${size}x${size}/apps"
  cp "$repo/resources/icons/kpdesk-$size.png" "$data_home/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
refresh_menus
echo "kpdesk er installert i $program_dir og ligger i menyen (Kontor). Kommandoen: $bin_dir/kpdesk"
