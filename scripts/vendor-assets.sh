#!/usr/bin/env bash
# Refresh cairn/static/vendor/ from the npm registry: `make vendor-assets`.
#
# Only the built dist files are kept (plus each package's licence and a VERSIONS file), so
# nothing needs Node to run or test Cairn; npm and python3 are needed only here.
#
# Changes made to the upstream CSS, so that the files work under /static/vendor/ and suit a
# service that is not on GOV.UK:
#   - url(/assets/...) becomes url(assets/...), relative to the CSS file, and only the assets
#     that the CSS still refers to are copied;
#   - the restricted "GDS Transport" typeface is dropped: its @font-face rules and notice go, and
#     every font-family falls back to Arial/sans-serif, so no font file is ever requested;
#   - the GOV.UK crest (footer copyright logo, which Cairn never shows) is replaced by `none`;
#   - sourceMappingURL comments are removed (the maps are not vendored, and Django's manifest
#     storage would fail on a reference to a missing file).
# The script then checks that every url() in the vendored CSS resolves to a vendored file.
#
# Versions are pinned so that a run reproduces the committed files exactly; to upgrade, change
# a version here (or override it: GOVUK_FRONTEND_VERSION=6.7.0 make vendor-assets) and review
# the diff.
set -euo pipefail

GOVUK_FRONTEND_VERSION="${GOVUK_FRONTEND_VERSION:-6.6.0}"
MOJ_FRONTEND_VERSION="${MOJ_FRONTEND_VERSION:-11.1.0}"
HTMX_VERSION="${HTMX_VERSION:-2.0.11}"
CYTOSCAPE_VERSION="${CYTOSCAPE_VERSION:-3.35.0}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/cairn/static/vendor"

for tool in npm tar python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "vendor-assets: $tool is required" >&2; exit 1; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# pack NAME VERSION DIR: download NAME@VERSION's tarball and unpack it into $WORK/DIR.
pack() {
  local name="$1" version="$2" dir="$3" tarball
  tarball="$(cd "$WORK" && npm pack --silent --pack-destination "$WORK" "$name@$version" | tail -n 1)"
  mkdir -p "$WORK/$dir"
  tar -xzf "$WORK/$tarball" -C "$WORK/$dir" --strip-components=1
}

echo "vendor-assets: fetching packages with npm pack"
pack govuk-frontend "$GOVUK_FRONTEND_VERSION" govuk
pack @ministryofjustice/frontend "$MOJ_FRONTEND_VERSION" moj
pack htmx.org "$HTMX_VERSION" htmx
pack cytoscape "$CYTOSCAPE_VERSION" cytoscape

rm -rf "$VENDOR/govuk-frontend" "$VENDOR/moj-frontend" "$VENDOR/htmx" "$VENDOR/cytoscape"
mkdir -p "$VENDOR/govuk-frontend" "$VENDOR/moj-frontend" "$VENDOR/htmx" "$VENDOR/cytoscape"

cp "$WORK/govuk/dist/govuk/govuk-frontend.min.css" "$WORK/govuk/dist/govuk/govuk-frontend.min.js" \
  "$VENDOR/govuk-frontend/"
cp "$WORK/moj/moj/moj-frontend.min.css" "$WORK/moj/moj/moj-frontend.min.js" "$VENDOR/moj-frontend/"
cp "$WORK/htmx/dist/htmx.min.js" "$VENDOR/htmx/"
cp "$WORK/cytoscape/dist/cytoscape.min.js" "$VENDOR/cytoscape/"
cp "$WORK/htmx/LICENSE" "$VENDOR/htmx/LICENSE"
cp "$WORK/cytoscape/LICENSE" "$VENDOR/cytoscape/LICENSE"

# The govuk-frontend and @ministryofjustice/frontend tarballs ship no licence file; their
# package.json says MIT. Keep the MIT text from each upstream repository beside the files.
mit_licence() {
  local package="$1" repository="$2" copyright="$3"
  cat <<EOF
$package is released under the MIT License (package.json: "license": "MIT").
Its npm package ships no licence file; this is the text of the LICENSE file in
$repository.

MIT License

$copyright

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF
}
mit_licence "govuk-frontend" "github.com/alphagov/govuk-frontend" \
  "Copyright (C) 2017 Crown Copyright (Government Digital Service)" \
  >"$VENDOR/govuk-frontend/LICENSE"
mit_licence "@ministryofjustice/frontend" "github.com/ministryofjustice/moj-frontend" \
  "Copyright (c) 2019 Ministry of Justice" \
  >"$VENDOR/moj-frontend/LICENSE"

echo "vendor-assets: rewriting CSS (relative asset URLs, no GDS Transport, no crest)"
python3 - "$VENDOR" "$WORK/govuk/dist/govuk" "$WORK/moj/moj" <<'PY'
import re
import shutil
import sys
from pathlib import Path

vendor, govuk_src, moj_src = (Path(p) for p in sys.argv[1:4])
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
# The typeface's own notice goes with the @font-face rules it belongs to.
FONT_NOTICE = re.compile(r"/\*!?[^*]*Margaret Calvert[^*]*\*/")
FAMILY = re.compile(r"""(font-family:\s*)(?:"GDS Transport"|'GDS Transport'|GDS Transport)\s*,\s*""")
CREST = re.compile(r"url\(\s*['\"]?/assets/images/govuk-crest\.svg['\"]?\s*\)")
ABSOLUTE_ASSET = re.compile(r"url\(\s*(['\"]?)/assets/")
SOURCE_MAP_CSS = re.compile(r"\s*/\*# sourceMappingURL=[^*]*\*/\s*")
SOURCE_MAP_JS = re.compile(r"\s*//# sourceMappingURL=\S*\s*$")
URL = re.compile(r"url\(\s*['\"]?([^'\")]+?)['\"]?\s*\)")


def rewrite_css(css: str) -> str:
    css = FONT_FACE.sub(lambda m: "" if "GDS Transport" in m.group(0) else m.group(0), css)
    css = FONT_NOTICE.sub("", css)
    css = FAMILY.sub(r"\1", css)
    css = CREST.sub("none", css)
    css = ABSOLUTE_ASSET.sub(r"url(\1assets/", css)
    return SOURCE_MAP_CSS.sub("\n", css).rstrip() + "\n"


def vendor_css(css_file: Path, asset_src: Path) -> None:
    css = rewrite_css(css_file.read_text(encoding="utf-8"))
    css_file.write_text(css, encoding="utf-8")
    for ref in sorted(set(URL.findall(css))):
        if ref.startswith(("data:", "#")):
            continue
        if ref.startswith(("/", "http:", "https:")) or not ref.startswith("assets/"):
            sys.exit(f"vendor-assets: unexpected url({ref}) in {css_file.name}")
        source = asset_src / ref.removeprefix("assets/")
        if not source.is_file():
            sys.exit(f"vendor-assets: {css_file.name} refers to {ref}, not in the package")
        target = css_file.parent / ref
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


vendor_css(vendor / "govuk-frontend" / "govuk-frontend.min.css", govuk_src / "assets")
vendor_css(vendor / "moj-frontend" / "moj-frontend.min.css", moj_src / "assets")
for js_file in sorted(vendor.glob("*/*.min.js")):
    js = js_file.read_text(encoding="utf-8")
    js_file.write_text(SOURCE_MAP_JS.sub("", js).rstrip("\n") + "\n", encoding="utf-8")

# Checks: nothing may point at the GOV.UK font or crest, and every url() must resolve.
problems = []
for css_file in sorted(vendor.glob("*/*.css")):
    css = css_file.read_text(encoding="utf-8")
    if "GDS Transport" in css or "Margaret Calvert" in css:
        problems.append(f"{css_file.name} still names GDS Transport")
    if "govuk-crest" in css:
        problems.append(f"{css_file.name} still refers to the GOV.UK crest")
    for ref in URL.findall(css):
        if not ref.startswith("data:") and not (css_file.parent / ref).is_file():
            problems.append(f"{css_file.name}: url({ref}) does not resolve")
if problems:
    sys.exit("vendor-assets: " + "; ".join(problems))
PY

cat >"$VENDOR/VERSIONS" <<EOF
govuk-frontend@$GOVUK_FRONTEND_VERSION
@ministryofjustice/frontend@$MOJ_FRONTEND_VERSION
htmx.org@$HTMX_VERSION
cytoscape@$CYTOSCAPE_VERSION
EOF

echo "vendor-assets: done"
(cd "$VENDOR" && find . -type f | LC_ALL=C sort)
