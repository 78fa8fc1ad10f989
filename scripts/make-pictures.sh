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
#   docs/tents.png        first page of `visitplan print --tents` (same visit)
#   docs/prearrival.png   the HTML part of `visitplan prearrival`'s email (same visit) and
#   docs/followup.png     of `visitplan followup`'s, in headless Chromium at 900x1200 (a
#                         mail window), with the photos it shows inline (cid:)
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
visitplan print "$VISIT" -o "$work/out" --badges --seating --tents
visitplan prearrival "$VISIT" -o "$work/out"
visitplan followup "$VISIT" -o "$work/out"

first_page "$work/out/sign.pdf" docs/sign-korean.png 1000
first_page "$work/out/itinerary.pdf" docs/itinerary.png 1000
first_page "$work/out/checklist.pdf" docs/checklist.png 1000
first_page "$work/out/badges.pdf" docs/badges.png 1000
first_page "$work/out/seating.pdf" docs/seating.png 1000
first_page "$work/out/tents.pdf" docs/tents.png 1000

# the guest languages: Japanese (the Sakura visit with `language: ja`) and Arabic; page 2
# is the first day, where the wording, the timeline and the direction show
sed 's/^language: .*/language: ja/' "$REPO/examples/sakura-vip.yaml" > "$work/sakura-ja.yaml"
visitplan prepare "$work/sakura-ja.yaml" -o "$work/out-ja" --date "$PRINTED_ON"
visitplan prepare "$REPO/examples/riyadh-ar.yaml" -o "$work/out-ar" --date "$PRINTED_ON"
first_page "$work/out-ja/itinerary.pdf" docs/itinerary-ja.png 1000 2
first_page "$work/out-ar/itinerary.pdf" docs/itinerary-ar.png 1000 2

screenshot() {   # URL, PNG, width, height[, scale]
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$work/chromium" --hide-scrollbars --window-size="$3,$4" \
        --force-device-scale-factor="${5:-1}" --screenshot="$REPO/$2" "$1" >/dev/null 2>&1
}

html_part() {   # .eml, .html: the message's text/html part, as a mail program shows it,
                # with the images it shows by cid: (the follow-up's photos) put in place
    "$PY" - "$1" "$2" <<'PYTHON'
import base64
import sys
from email import policy
from email.parser import BytesParser

with open(sys.argv[1], "rb") as f:
    message = BytesParser(policy=policy.default).parse(f)
html = message.get_body(preferencelist=("html",))
if html is None:
    sys.exit(f"{sys.argv[1]} has no text/html part")
text = html.get_content()
for part in message.walk():
    cid = (part.get("Content-ID") or "").strip("<>")
    if cid and part.get_content_maintype() == "image":
        data = base64.b64encode(part.get_payload(decode=True)).decode("ascii")
        text = text.replace(f"cid:{cid}", f"data:{part.get_content_type()};base64,{data}")
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(text)
PYTHON
}

# the screen's layout at 1920x1080 CSS pixels, drawn at half resolution (960x540)
screenshot "file://$work/out/welcome.html" docs/welcome.png 1920 1080 0.5

# the guests' emails as a mail window shows them
html_part "$work/out/prearrival.eml" "$work/prearrival.html"
html_part "$work/out/followup.eml" "$work/followup.html"
screenshot "file://$work/prearrival.html" docs/prearrival.png 900 1200
screenshot "file://$work/followup.html" docs/followup.png 900 1200

status=0
for png in docs/sign-korean.png docs/itinerary.png docs/itinerary-ja.png \
           docs/itinerary-ar.png docs/checklist.png docs/badges.png docs/seating.png \
           docs/tents.png docs/welcome.png docs/prearrival.png docs/followup.png; do
    size=$(stat -c %s "$png")
    echo "$png $((size / 1024)) KB"
    if [ "$size" -gt "$MAX_BYTES" ]; then
        echo "$png is over 300 KB" >&2
        status=1
    fi
done
exit $status
