#!/usr/bin/env bash
# Regenerate the README pictures in docs/ from examples/, so they never drift from what
# visitplan prints:
#   docs/sign-korean.png  first page of `visitplan sign examples/hanbit-korean.yaml`
#   docs/itinerary.png    first page of the itinerary of `visitplan prepare` (same visit)
#   docs/itinerary-ja.png the first day of examples/sakura-vip.yaml's itinerary with
#                         `language: ja` (a copy of the visit; Japanese guests)
#   docs/itinerary-ar.png the first day of examples/riyadh-ar.yaml's itinerary (Arabic,
#                         right to left)
#   docs/checklist.png    first page of its checklist (printed as on 2026-12-01)
#   docs/badges.png       first sheet of `visitplan print --badges` (same visit)
#   docs/seating.png      first page of `visitplan print --seating` (its welcome dinner)
#   docs/welcome.png      the welcome screen in headless Chromium, laid out at 1920x1080
#                         and saved at half that size
# PDF pages go through pdftoppm; each picture is kept under 300 KB.
# Runs visitplan from this source tree (with .venv's Python when there is one), in an
# empty HOME and working folder, so no configuration of yours changes the pictures.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PY=python3
[ -x .venv/bin/python ] && PY=$REPO/.venv/bin/python
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
VISIT=$REPO/examples/hanbit-korean.yaml
PRINTED_ON=2026-12-01          # the checklist marks tasks overdue against this day
MAX_BYTES=$((300 * 1024))

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/cwd" "$REPO/docs"
for var in $(compgen -e | grep '^VISITPLAN_' || true); do unset "$var"; done

visitplan() {
    (cd "$work/cwd" && HOME=$work/home XDG_CONFIG_HOME=$work/home/.config \
        PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m visitplan -q "$@")
}

first_page() {   # PDF, PNG, longest side in pixels[, page]
    local page=${4:-1}
    pdftoppm -png -f "$page" -l "$page" -singlefile -scale-to "$3" "$1" "${2%.png}"
}

visitplan sign "$VISIT" -o "$work/out"
visitplan prepare "$VISIT" -o "$work/out" --date "$PRINTED_ON"
visitplan print "$VISIT" -o "$work/out" --badges --seating

first_page "$work/out/sign.pdf" docs/sign-korean.png 1000
first_page "$work/out/itinerary.pdf" docs/itinerary.png 1000
first_page "$work/out/checklist.pdf" docs/checklist.png 1000
first_page "$work/out/badges.pdf" docs/badges.png 1000
first_page "$work/out/seating.pdf" docs/seating.png 1000

# the guest languages: Japanese (the Sakura visit with `language: ja`) and Arabic; page 2
# is the first day, where the wording, the timeline and the direction show
sed 's/^language: .*/language: ja/' "$REPO/examples/sakura-vip.yaml" > "$work/sakura-ja.yaml"
visitplan prepare "$work/sakura-ja.yaml" -o "$work/out-ja" --date "$PRINTED_ON"
visitplan prepare "$REPO/examples/riyadh-ar.yaml" -o "$work/out-ar" --date "$PRINTED_ON"
first_page "$work/out-ja/itinerary.pdf" docs/itinerary-ja.png 1000 2
first_page "$work/out-ar/itinerary.pdf" docs/itinerary-ar.png 1000 2

# the screen's layout at 1920x1080 CSS pixels, drawn at half resolution (960x540)
"$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chromium" --hide-scrollbars --window-size=1920,1080 \
    --force-device-scale-factor=0.5 --screenshot="$REPO/docs/welcome.png" \
    "file://$work/out/welcome.html" >/dev/null 2>&1

status=0
for png in docs/sign-korean.png docs/itinerary.png docs/itinerary-ja.png \
           docs/itinerary-ar.png docs/checklist.png docs/badges.png docs/seating.png \
           docs/welcome.png; do
    size=$(stat -c %s "$png")
    echo "$png $((size / 1024)) KB"
    if [ "$size" -gt "$MAX_BYTES" ]; then
        echo "$png is over 300 KB" >&2
        status=1
    fi
done
exit $status
