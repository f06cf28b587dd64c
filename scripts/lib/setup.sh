# Shared by the scripts: install what is missing on a Debian machine, loudly.
# Sourced, not run.

# Debian packages each script needs, by purpose.
PACKAGES_BUILD="openjdk-17-jdk-headless maven"
PACKAGES_RUN="containernetworking-plugins iproute2"
PACKAGES_DATAPATH="openvswitch-switch-dpdk dpdk-dev"
PACKAGES_BENCH="hyperfine"

die() {
    echo "error: $*" >&2
    exit 1
}

require_root() {
    [ "$(id -u)" -eq 0 ] || die "this needs root (network namespaces, and later hugepages and OVS): run it with sudo"
}

# ensure_packages PKG...: installs those that are not installed yet.
ensure_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    require_root
    echo "installing: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2 || die "apt-get update failed"
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 || die "could not install ${missing[*]}"
}

# The JDK the build and the plugin use: JAVA_HOME if it is 17 or newer, else the one javac belongs to.
java_home() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
        echo "$JAVA_HOME"
    else
        dirname "$(dirname "$(readlink -f "$(command -v javac)")")"
    fi
}

MVN_FLAGS="-B --no-transfer-progress"

# with_hugepages PAGES: reserves PAGES more 2 MiB hugepages and mounts a hugetlbfs for them, exported as
# USERSPACE_CNI_TEST_HUGEPAGES; the reservation and the mount are given back when the script exits.
with_hugepages() {
    require_root
    local want="$1" before now
    before=$(cat /proc/sys/vm/nr_hugepages)
    echo $((before + want)) >/proc/sys/vm/nr_hugepages || die "cannot reserve hugepages"
    now=$(cat /proc/sys/vm/nr_hugepages)
    HUGEPAGES_BEFORE=$before
    HUGEPAGES_DIR=$(mktemp -d -t usrsp-huge.XXXXXX)
    trap release_hugepages EXIT
    [ "$now" -ge $((before + want)) ] \
        || die "asked for $want hugepages of 2 MiB, the kernel gave $((now - before)): not enough free memory"
    mount -t hugetlbfs -o pagesize=2M none "$HUGEPAGES_DIR" || die "cannot mount hugetlbfs"
    export USERSPACE_CNI_TEST_HUGEPAGES="$HUGEPAGES_DIR"
}

release_hugepages() {
    if [ -n "${HUGEPAGES_DIR:-}" ]; then
        umount "$HUGEPAGES_DIR" 2>/dev/null || true
        rmdir "$HUGEPAGES_DIR" 2>/dev/null || true
        echo "$HUGEPAGES_BEFORE" >/proc/sys/vm/nr_hugepages
    fi
}
