# Shared by scripts/run and scripts/test: install what is missing, then build.
# Sourced, not executed. Every step is idempotent and does nothing when already done.
set -euo pipefail
WSI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WSI_BUILD="${WSI_BUILD:-$WSI_ROOT/build}"

# Debian packages needed to build and run the program.
WSI_BUILD_PACKAGES=(cmake ninja-build g++ pkg-config qt6-base-dev qt6-base-dev-tools qt6-websockets-dev
  qt6-qpa-plugins libgl-dev zlib1g-dev libssl-dev libmsgpack-cxx-dev fonts-dejavu-core libqt6svg6)
# What scripts/package needs to make the .deb and check it as a distribution would.
WSI_PACKAGE_CHECK_PACKAGES=(dpkg-dev desktop-file-utils appstream groff-base man-db mandoc)
# Extra packages the test suite needs: real peers (Python websockets, PyJWT with cryptography for
# RS/PS/ES/EdDSA, Werkzeug's password hashes, node ws, Chromium), a virtual display for screenshots, clang's sanitizer/fuzzer
# runtime, the package checks.
WSI_TEST_PACKAGES=(python3 python3-websockets python3-jwt python3-cryptography python3-werkzeug nodejs npm chromium xvfb xauth imagemagick
  clang-14 libclang-rt-14-dev clang-format-14 "${WSI_PACKAGE_CHECK_PACKAGES[@]}")

wsi_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

wsi_missing_packages() {
  local p missing=()
  for p in "$@"; do
    # nodejs/npm may come from elsewhere (the machine's own node); a working binary is enough.
    case "$p" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  printf '%s\n' "${missing[@]}"
}

wsi_install_packages() {
  local missing
  mapfile -t missing < <(wsi_missing_packages "$@" | sed '/^$/d')
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages. Run, then try again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  wsi_log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# node ws (and bufferutil) for interop tests and the benchmark, into tests/peers/node.
wsi_install_node_peers() {
  local dir="$WSI_ROOT/tests/peers/node"
  [ -f "$dir/package.json" ] || return 0
  if [ ! -d "$dir/node_modules/ws" ] || [ "$dir/package.json" -nt "$dir/node_modules/.stamp" ]; then
    wsi_log "installing node peers (npm)"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null && touch node_modules/.stamp)
  fi
}

wsi_build() {
  if [ ! -f "$WSI_BUILD/CMakeCache.txt" ]; then
    wsi_log "configuring $WSI_BUILD"
    cmake -S "$WSI_ROOT" -B "$WSI_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  elif [ $# -gt 0 ]; then
    cmake "$WSI_BUILD" "$@" >/dev/null
  fi
  wsi_log "building"
  # shellcheck disable=SC2086 # WSI_BUILD_TARGETS is a space-separated list of target names
  cmake --build "$WSI_BUILD" -j2 ${WSI_BUILD_TARGETS:+--target $WSI_BUILD_TARGETS}
}
