# Sourced by scripts/fetch-linux.sh and scripts/fetch-busybox.sh: Debian
# packages fetched into build/cache/ with `apt-get download`, never
# installed. The sourcing script sets `root`, `me` (its name for
# messages) and `hint` (what to do without Debian's tools) first.
cache=$root/build/cache

# need_tools TOOL...: exit with a message unless every TOOL is installed.
need_tools() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || {
            echo "$me: $tool not found: this script needs a Debian/Ubuntu host ($hint)" >&2
            exit 1
        }
    done
}

# cached_deb PACKAGE: prints the path of PACKAGE's .deb in the cache,
# downloading it first when it is missing or FORCE is set (after an
# `apt-get update` if the package lists do not know it). As root apt
# prints a harmless warning that the download is performed unsandboxed;
# it is filtered out.
cached_deb() {
    local pkg=$1 deb
    mkdir -p "$cache"
    deb=$(find "$cache" -maxdepth 1 -name "${pkg}_*.deb" | sort | tail -n 1)
    if [[ -z $deb || -n ${FORCE:-} ]]; then
        if ! apt-cache show "$pkg" >/dev/null 2>&1; then
            apt-get update -qq >&2 || true
        fi
        # apt-get download writes into the current directory.
        if ! (cd "$cache" && apt-get download "$pkg" >&2 2> >(grep -v -i unsandboxed >&2)); then
            echo "$me: 'apt-get download $pkg' failed (no network?)" >&2
            exit 1
        fi
        deb=$(find "$cache" -maxdepth 1 -name "${pkg}_*.deb" | sort | tail -n 1)
    fi
    [[ -n $deb ]] || { echo "$me: no $pkg .deb in ${cache#"$root"/}" >&2; exit 1; }
    echo "$deb"
}

# pinned_deb PACKAGE VERSION SHA256 POOL_PATH: prints the path of exactly
# that .deb in the cache, fetching it when missing. The SHA256 (from the
# Debian archive's Packages index) is checked whatever the source, so a
# pinned figure is reproduced with the same bytes. Sources, in order:
#   1. apt, when the host's package lists know that version (Debian);
#   2. deb.debian.org's pool at POOL_PATH (any host with curl: Ubuntu,
#      GitHub's runners), for as long as Debian keeps the version there;
#   3. snapshot.debian.org, which keeps every version ever published.
pinned_deb() {
    local pkg=$1 version=$2 sha=$3 pool=$4 deb url hash
    mkdir -p "$cache"
    deb=$cache/${pkg}_${version//:/%3a}_amd64.deb
    if [[ -f $deb ]] && sha256sum "$deb" | grep -q "^$sha "; then
        echo "$deb"
        return
    fi
    rm -f "$deb"
    if command -v apt-get >/dev/null 2>&1 && apt-cache show "$pkg=$version" >/dev/null 2>&1; then
        (cd "$cache" && apt-get download "$pkg=$version" >&2 2> >(grep -v -i unsandboxed >&2)) || true
    fi
    for url in "https://deb.debian.org/debian-security/$pool" "https://deb.debian.org/debian/${pool/pool\/updates/pool}"; do
        [[ -f $deb ]] && break
        need_tools curl
        curl -fsSL --retry 3 -o "$deb.part" "$url" 2>/dev/null && mv "$deb.part" "$deb" || rm -f "$deb.part"
    done
    if [[ ! -f $deb ]]; then
        need_tools curl python3
        hash=$(curl -fsSL --retry 3 "https://snapshot.debian.org/mr/binary/$pkg/$version/binfiles" |
            python3 -c 'import json,sys; print(next(r["hash"] for r in json.load(sys.stdin)["result"] if r["architecture"] == "amd64"))' || true)
        if [[ -n $hash ]]; then
            curl -fsSL --retry 3 -o "$deb.part" "https://snapshot.debian.org/file/$hash" && mv "$deb.part" "$deb" || rm -f "$deb.part"
        fi
    fi
    [[ -f $deb ]] || { echo "$me: cannot fetch $pkg $version (apt, deb.debian.org and snapshot.debian.org all failed; no network?)" >&2; exit 1; }
    if ! sha256sum "$deb" | grep -q "^$sha "; then
        echo "$me: $deb does not have the pinned SHA256 $sha" >&2
        rm -f "$deb"
        exit 1
    fi
    echo "$deb"
}
