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
