#!/bin/sh
# Installs the ringo binary of a release for this OS and CPU, after checking
# it against the release's SHA256SUMS:
#
#   curl -fsSL https://github.com/OWNER/ringo/releases/latest/download/install.sh | sh
#   curl -fsSL https://github.com/OWNER/ringo/releases/latest/download/install.sh |
#     sh -s -- --version v0.1.0 --dir /usr/local/bin
#
# Options, or the environment variable in brackets:
#   --version TAG   the release to install [RINGO_VERSION]; default the latest
#   --dir DIR       where to put `ringo` [RINGO_INSTALL_DIR]; default ~/.local/bin
#   --base-url URL  the folder that holds the release's files [RINGO_RELEASE_URL];
#                   default GitHub's download folder of that release
#
# Binaries: linux and macOS, x86_64 and arm64 (linux: glibc). ringo runs
# baresip: `ringo doctor` says what is missing and how to install it.
set -eu

# The release workflow writes the repository (owner/name) here; RINGO_REPO overrides it.
REPO="${RINGO_REPO:-__RINGO_REPO__}"
VERSION="${RINGO_VERSION:-latest}"
DIR="${RINGO_INSTALL_DIR:-${HOME:-}/.local/bin}"
BASE_URL="${RINGO_RELEASE_URL:-}"

say() { printf 'install.sh: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

while [ "$#" -gt 0 ]; do
  case "$1" in
    --version) VERSION="${2:?--version needs a tag, e.g. v0.1.0}"; shift 2 ;;
    --dir) DIR="${2:?--dir needs a folder}"; shift 2 ;;
    --base-url) BASE_URL="${2:?--base-url needs a URL}"; shift 2 ;;
    -h | --help)
      echo "usage: install.sh [--version TAG] [--dir DIR] [--base-url URL]"
      echo "installs ringo's release binary for this OS and CPU, checked against SHA256SUMS"
      exit 0
      ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

# --- which binary ---------------------------------------------------------------
case "$(uname -s)" in
  Linux) os=unknown-linux-gnu ;;
  Darwin) os=apple-darwin ;;
  *) die "no ringo binary for $(uname -s): use the container image or deno install (docs/install.md)" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) die "no ringo binary for the $(uname -m) CPU: use deno install (docs/install.md)" ;;
esac
if [ "$os" = unknown-linux-gnu ] && (ldd --version 2>&1 || true) | grep -qi musl; then
  die "the linux binaries need glibc, and this system uses musl: use the container image or deno install"
fi
asset="ringo-$arch-$os"

if [ -z "$BASE_URL" ]; then
  case "$REPO" in
    */*) ;;
    *) die "this install.sh is not from a release: set RINGO_REPO=owner/name or RINGO_RELEASE_URL" ;;
  esac
  if [ "$VERSION" = latest ]; then
    BASE_URL="https://github.com/$REPO/releases/latest/download"
  else
    BASE_URL="https://github.com/$REPO/releases/download/$VERSION"
  fi
fi

# --- tools ------------------------------------------------------------------------
if command -v curl >/dev/null 2>&1; then
  fetch() { curl -fsSL --retry 3 -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
  fetch() { wget -q -O "$2" "$1"; }
else
  die "needs curl or wget to download"
fi
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
else
  die "needs sha256sum or shasum to check the download"
fi

# --- download and check -----------------------------------------------------------
tmp=$(mktemp -d 2>/dev/null || mktemp -d -t ringo-install)
trap 'rm -rf "$tmp"' EXIT INT TERM
say "downloading $asset from $BASE_URL"
fetch "$BASE_URL/SHA256SUMS" "$tmp/SHA256SUMS" || die "cannot download $BASE_URL/SHA256SUMS: is there a release at $BASE_URL?"
fetch "$BASE_URL/$asset" "$tmp/$asset" || die "cannot download $BASE_URL/$asset"
expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1; exit }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || die "SHA256SUMS of this release lists no $asset: not installed"
actual=$(sha256 "$tmp/$asset")
[ "$actual" = "$expected" ] ||
  die "checksum mismatch for $asset: SHA256SUMS says $expected, the download is $actual: not installed"

# --- install ---------------------------------------------------------------------
mkdir -p "$DIR" || die "cannot create $DIR"
chmod 755 "$tmp/$asset"
cp "$tmp/$asset" "$DIR/.ringo.new" || die "cannot write to $DIR"
mv -f "$DIR/.ringo.new" "$DIR/ringo"
installed=$("$DIR/ringo" --version 2>/dev/null | head -1) || die "$DIR/ringo was installed but does not run"
say "installed ringo $installed to $DIR/ringo (sha256 $actual checked)"
case ":${PATH:-}:" in
  *":$DIR:"*) ;;
  *) say "$DIR is not on your PATH: add it, e.g. export PATH=\"$DIR:\$PATH\"" ;;
esac
say "next: ringo doctor (checks baresip, which ringo runs its calls on)"
