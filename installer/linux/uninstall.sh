#!/bin/sh
# Remove a per-user Fanous installed by install.sh (same PREFIX). Your settings, notes
# index and keyring entries stay; `fanous doctor` shows where they are if you want them gone.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
rm -rf "$prefix/lib/fanous"
[ -L "$prefix/bin/fanous" ] && rm -f "$prefix/bin/fanous"
(cd "$here/share" && find . -type f) | while read -r file; do
    rm -f "$prefix/share/$file"
done
echo "Fanous is removed from $prefix."
