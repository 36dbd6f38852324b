#!/usr/bin/env bash
# Build the Linux packages of Fanous from the repository, in one command:
#
#     installer/linux/build.sh            # -> build/installer/out/
#
#   fanous_VERSION_ARCH.deb                   system-wide: /opt/fanous, /usr/bin/fanous,
#                                             desktop entry and icons (sudo apt install ./…)
#   fanous-VERSION-linux-ARCH.tar.gz          no root: tar xf …; ./fanous-…/install.sh
#                                             -> ~/.local/lib/fanous, ~/.local/bin/fanous
#
# Needs the project's venv with the `package` extra (scripts/setup; pip install -e .[package])
# and dpkg-deb. No AppImage: appimagetool and its runtime are neither in Debian nor on PyPI,
# and this project fetches nothing from elsewhere (see installer/README.md).
#   PYTHON=…            the Python with PyInstaller (default .venv/bin/python)
#   FANOUS_REUSE_APP=1  wrap the existing build/installer/dist/fanous, skip PyInstaller
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
python=${PYTHON:-$root/.venv/bin/python}
build=$root/build/installer
out=$build/out
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' agent/__init__.py)
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
uname_arch=$(uname -m)
started=$SECONDS

if [ "${FANOUS_REUSE_APP:-0}" != 1 ] || [ ! -x "$build/dist/fanous/fanous" ]; then
    echo "==> PyInstaller: one-folder app in $build/dist/fanous" >&2
    "$python" -m PyInstaller installer/fanous.spec --noconfirm --log-level WARN \
        --distpath "$build/dist" --workpath "$build/work"
fi
app=$build/dist/fanous
[ -x "$app/fanous" ] || { echo "PyInstaller produced no $app/fanous" >&2; exit 1; }
# Every bundled library must find its dependencies in the bundle or the base system.
bundle_path=$app/_internal:$app/_internal/PySide6/Qt/lib:$app/_internal/llama_cpp/lib
missing=$(find "$app" -type f -name '*.so*' -print0 \
    | LD_LIBRARY_PATH=$bundle_path xargs -0 ldd 2>/dev/null | grep 'not found' | sort -u || true)
[ -z "$missing" ] || { printf 'libraries missing from the bundle:\n%s\n' "$missing" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out"

# Icons and the desktop entry, laid out per the freedesktop icon theme and menu specs.
install_share() {  # $1: a share/ folder to fill
    install -Dm644 resources/fanous.desktop "$1/applications/fanous.desktop"
    install -Dm644 resources/icons/fanous.svg "$1/icons/hicolor/scalable/apps/fanous.svg"
    for png in resources/icons/fanous-*.png; do
        size=${png##*-}; size=${size%.png}
        install -Dm644 "$png" "$1/icons/hicolor/${size}x${size}/apps/fanous.png"
    done
}

# --- .deb ------------------------------------------------------------------------------
echo "==> .deb" >&2
pkg=$build/deb/fanous_${version}_${arch}
rm -rf "$build/deb" && mkdir -p "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin"
# Hard links: the 430 MB app is staged twice without copying it (plain copy if they fail).
cp -al "$app" "$pkg/opt/fanous" 2>/dev/null || cp -a "$app" "$pkg/opt/fanous"
ln -s /opt/fanous/fanous "$pkg/usr/bin/fanous"
install_share "$pkg/usr/share"
install -Dm644 /dev/stdin "$pkg/usr/share/doc/fanous/copyright" <<COPYRIGHT
Fanous $version — Apache-2.0. Bundles, each under its own licence: Python (PSF), Qt
(LGPL-3.0) via PySide6, llama.cpp (MIT), SmolLM2-135M-Instruct (Apache-2.0),
multilingual-e5-small (MIT) and the Python packages listed, with their licence texts, in
/usr/share/doc/fanous/THIRD_PARTY_NOTICES.txt (checked at build time: installer/licences.py).
COPYRIGHT
install -Dm644 "$build/THIRD_PARTY_NOTICES.txt" "$pkg/usr/share/doc/fanous/THIRD_PARTY_NOTICES.txt"
# Depends: the system libraries the bundle links to but PyInstaller leaves out on purpose
# (libc, GL/EGL, the display's client libraries), found with ldd and mapped with dpkg -S.
depends=$(
    cd "$app"
    export LD_LIBRARY_PATH=$bundle_path
    find . -type f \( -name '*.so*' -o -name fanous \) -print0 | xargs -0 ldd 2>/dev/null \
        | awk '/=> \//{print $3}' | grep -v "^$PWD/" | sort -u \
        | while read -r lib; do
            dpkg -S "$lib" 2>/dev/null || dpkg -S "$(realpath "$lib")" 2>/dev/null \
                || dpkg -S "${lib#/usr}" 2>/dev/null || true
        done | cut -d: -f1 | sort -u | grep -vx libc6 | paste -sd, | sed 's/,/, /g'
)
glibc=$(dpkg-query -W -f='${Version}' libc6 2>/dev/null | cut -d- -f1 || echo 2.31)
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: fanous
Version: $version
Architecture: $arch
Maintainer: ${DEB_MAINTAINER:-Fanous developers <fanous@example.org>}
Installed-Size: $(du -sk "$pkg" | cut -f1)
Depends: libc6 (>= $glibc)${depends:+, $depends}
Section: utils
Priority: optional
Description: private AI agent for your notes, on your own machine
 Fanous indexes your notes locally and answers questions about them offline, with
 citations, on a local model (a small one is built in; Ollama is used when it runs).
 Nothing leaves the machine unless you switch cloud escalation on.
CONTROL
cat > "$pkg/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
command -v update-desktop-database >/dev/null && update-desktop-database -q /usr/share/applications || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -qtf /usr/share/icons/hicolor || true
POSTINST
cp "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/postrm"
chmod 755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/postrm"
# zstd -9: 7 s on 2 cores; read by dpkg >= 1.21.18 (Debian 12, Ubuntu 21.10 and later).
# Most of the payload is quantized model weights that barely compress: xz -6 is only 16 %
# smaller and takes 2-9 minutes here. DEB_COMPRESSION=xz for older dpkg versions.
compression=${DEB_COMPRESSION:-zstd}
level=9
[ "$compression" = xz ] && level=6
dpkg-deb --root-owner-group -Z"$compression" -z"$level" --threads-max="$(nproc)" --build "$pkg" \
    "$out/fanous_${version}_${arch}.deb" >/dev/null

# --- relocatable tarball: installs into ~/.local without root -------------------------
echo "==> .tar.gz" >&2
name=fanous-$version-linux-$uname_arch
tree=$build/tar/$name
rm -rf "$build/tar" && mkdir -p "$tree"
cp -al "$app" "$tree/fanous" 2>/dev/null || cp -a "$app" "$tree/fanous"
install_share "$tree/share"
install -m755 installer/linux/install.sh "$tree/install.sh"
install -m755 installer/linux/uninstall.sh "$tree/uninstall.sh"
tar -C "$build/tar" -cf - "$name" | gzip -6 > "$out/$name.tar.gz"

{
    echo "app folder: $(du -sh "$app" | cut -f1)"
    for f in "$out"/*; do echo "$(basename "$f"): $(du -h "$f" | cut -f1)"; done
    echo "build time: $((SECONDS - started)) s"
} | tee "$out/SIZES.txt" >&2
