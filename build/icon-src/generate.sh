#!/usr/bin/env bash
# Renders the committed icons from the SVGs beside this script. Run it after editing an SVG:
#   apt-get install librsvg2-bin imagemagick icnsutils   (rsvg-convert, convert, png2icns)
#   bash build/icon-src/generate.sh          (everything)
#   bash build/icon-src/generate.sh tray     (the tray icons only: needs rsvg-convert alone)
# Outputs: build/icon.{png,icns,ico} for the installers, and in main/electron/assets/ the tray's
# - macOS template images (black + alpha only, 16 px and @2x 32 px), which macOS tints itself;
# - Windows and Linux icons in two looks, a white glyph for dark taskbars and panels (on-dark)
#   and a black one for light ones (on-light), at 16 px and the 125/150/200 % scale factors
#   Electron's nativeImage picks up (@1.25x 20 px, @1.5x 24 px, @2x 32 px).
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$src/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# /usr/local/bin may hold a stand-in convert; ImageMagick's own is wanted here.
convert=/usr/bin/convert
[ -x "$convert" ] || convert=convert

tray_icons() {
  local assets="$root/main/electron/assets" state scale size suffix look level pair
  for state in fresh refreshing attention; do
    for scale in 1 2; do
      size=$((16 * scale))
      suffix=$([ "$scale" = 2 ] && echo '@2x' || true)
      rsvg-convert -w "$size" -h "$size" "$src/tray-$state.svg" -o "$tmp/tray.png"
      # Template images carry shape in alpha alone: force every colour channel to black.
      "$convert" "$tmp/tray.png" -channel RGB -evaluate set 0 +channel -strip \
        "PNG32:$assets/tray-${state}Template$suffix.png"
    done
    for look in on-dark on-light; do
      # The glyph's colour, whatever the SVG draws with: every colour channel forced to it.
      level=$([ "$look" = on-dark ] && echo '100%' || echo 0)
      for pair in 16: 20:@1.25x 24:@1.5x 32:@2x; do
        size=${pair%%:*}
        suffix=${pair#*:}
        rsvg-convert -w "$size" -h "$size" "$src/tray-$state.svg" -o "$tmp/tray.png"
        "$convert" "$tmp/tray.png" -channel RGB -evaluate set "$level" +channel -strip \
          "PNG32:$assets/tray-$state-$look$suffix.png"
      done
    done
  done
}

if [ "${1:-}" = tray ]; then
  tray_icons
  echo "tray icons written to main/electron/assets/"
  exit 0
fi

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

tray_icons
echo "icons written to build/ and main/electron/assets/"
