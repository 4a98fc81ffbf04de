#!/usr/bin/env bash
# Renders the committed icons from the SVGs beside this script. Run it after editing an SVG:
#   apt-get install librsvg2-bin imagemagick icnsutils   (rsvg-convert, convert, png2icns)
#   bash build/icon-src/generate.sh
# Outputs: build/icon.{png,icns,ico} for the installers, and the tray's macOS template images
# (black + alpha only, 16 px and @2x 32 px) in main/electron/assets/.
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$src/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# /usr/local/bin may hold a stand-in convert; ImageMagick's own is wanted here.
convert=/usr/bin/convert
[ -x "$convert" ] || convert=convert

for size in 16 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$size" -h "$size" "$src/app-icon.svg" -o "$tmp/$size.png"
done
cp "$tmp/1024.png" "$root/build/icon.png"
png2icns "$root/build/icon.icns" "$tmp"/{16,32,48,128,256,512,1024}.png >/dev/null
# Windows icons fill their square: crop the macOS grid's margin away first.
"$convert" "$tmp/1024.png" -crop 824x824+100+100 +repage "$tmp/body.png"
for size in 16 32 48 64 128 256; do
  "$convert" "$tmp/body.png" -filter Lanczos -resize "${size}x$size" "$tmp/win-$size.png"
done
"$convert" "$tmp"/win-{16,32,48,64,128,256}.png "$root/build/icon.ico"

assets="$root/main/electron/assets"
for state in fresh refreshing attention; do
  for scale in 1 2; do
    size=$((16 * scale))
    suffix=$([ "$scale" = 2 ] && echo '@2x' || true)
    rsvg-convert -w "$size" -h "$size" "$src/tray-$state.svg" -o "$tmp/tray.png"
    # Template images carry shape in alpha alone: force every colour channel to black.
    "$convert" "$tmp/tray.png" -channel RGB -evaluate set 0 +channel -strip \
      "PNG32:$assets/tray-${state}Template$suffix.png"
  done
done
echo "icons written to build/ and main/electron/assets/"
