#!/bin/sh
# Install Fanous for this user only, no root needed:
#   ~/.local/lib/fanous (the app), ~/.local/bin/fanous (the command),
#   ~/.local/share/applications/fanous.desktop and icons (the menu entry).
# PREFIX=/some/folder ./install.sh installs there instead. Run it again to update;
# ./uninstall.sh removes it (your notes index and settings stay).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
lib=$prefix/lib/fanous
share=$prefix/share

mkdir -p "$prefix/lib" "$prefix/bin"
rm -rf "$lib.new"
cp -a "$here/fanous" "$lib.new"
rm -rf "$lib"
mv "$lib.new" "$lib"
ln -sfn "$lib/fanous" "$prefix/bin/fanous"

(cd "$here/share" && find . -type f) | while read -r file; do
    mkdir -p "$(dirname "$share/$file")"
    cp "$here/share/$file" "$share/$file"
done
# The menu may not have ~/.local/bin on its PATH: point the entry at the app itself.
desktop=$share/applications/fanous.desktop
sed -e "s|^Exec=.*|Exec=\"$lib/fanous\"|" -e "s|^TryExec=.*|TryExec=$lib/fanous|" \
    "$here/share/applications/fanous.desktop" > "$desktop"
command -v update-desktop-database >/dev/null 2>&1 \
    && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 \
    && gtk-update-icon-cache -qt "$share/icons/hicolor" 2>/dev/null || true

echo "Fanous is installed in $lib."
echo "Start it from your applications menu, or run: $prefix/bin/fanous"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "Note: $prefix/bin is not on your PATH; add it to run \`fanous\` by name." ;;
esac
