# Shared by the scripts: install what is missing on a Debian machine, loudly.
# Sourced, not run.

# Debian packages each script needs, by purpose.
PACKAGES_BUILD="openjdk-17-jdk-headless maven openssl gcc libc6-dev"
PACKAGES_RUN="containernetworking-plugins iproute2 iputils-ping"
PACKAGES_DATAPATH="openvswitch-switch-dpdk dpdk-dev"
PACKAGES_IMAGE="buildah podman debootstrap runc"
# A Kubernetes node's runtime (its CRI plugin drives the plugin in kubernetes-node's tests), and the static
# busybox its pod sandbox image is built from.
PACKAGES_NODE="containerd busybox-static"
PACKAGES_BENCH="hyperfine time bc"
# What the tests check the plugin's metrics with: a Prometheus of their own scrapes the daemon.
PACKAGES_METRICS="prometheus"

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

# reserve_hugepages PAGES: reserves PAGES more 2 MiB hugepages and mounts a hugetlbfs for them at
# $HUGEPAGES_DIR; release_hugepages gives both back. Returns non-zero, having given back what it took, if
# the kernel cannot provide them.
reserve_hugepages() {
    require_root
    local want="$1" now
    HUGEPAGES_BEFORE=$(cat /proc/sys/vm/nr_hugepages)
    echo $((HUGEPAGES_BEFORE + want)) >/proc/sys/vm/nr_hugepages 2>/dev/null || true
    now=$(cat /proc/sys/vm/nr_hugepages)
    HUGEPAGES_DIR=$(mktemp -d -t usrsp-huge.XXXXXX)
    if [ "$now" -lt $((HUGEPAGES_BEFORE + want)) ] || ! mount -t hugetlbfs -o pagesize=2M none "$HUGEPAGES_DIR"; then
        echo "asked for $want hugepages of 2 MiB, the kernel gave $((now - HUGEPAGES_BEFORE))" >&2
        release_hugepages
        return 1
    fi
}

# with_hugepages PAGES: reserve_hugepages or fail loudly, given back when the script exits, exported as
# USERSPACE_CNI_TEST_HUGEPAGES for the tests.
with_hugepages() {
    reserve_hugepages "$1" || die "not enough free memory for $1 hugepages"
    trap release_hugepages EXIT
    export USERSPACE_CNI_TEST_HUGEPAGES="$HUGEPAGES_DIR"
}

release_hugepages() {
    if [ -n "${HUGEPAGES_DIR:-}" ]; then
        umount "$HUGEPAGES_DIR" 2>/dev/null || true
        rmdir "$HUGEPAGES_DIR" 2>/dev/null || true
        echo "$HUGEPAGES_BEFORE" >/proc/sys/vm/nr_hugepages
        HUGEPAGES_DIR=
    fi
}

# ensure_vpp: exports USERSPACE_CNI_VPP, the vpp program the tests and the demo run, and
# USERSPACE_CNI_VPP_TARBALL, the VPP build tarball the vpp image is built from, when there is one. The tarball is
# the one USERSPACE_CNI_VPP_TARBALL names, or the one beside the repository (../shared/vpp/). An installed VPP
# (FD.io's packages: /usr/bin/vpp, with the memif and vhost-user plugins) runs first; else the tarball, unpacked
# under target/tools; else it fails, saying what to do. VPP is not packaged for Debian.
ensure_vpp() {
    local tarball="${USERSPACE_CNI_VPP_TARBALL:-}"
    if [ -z "$tarball" ]; then
        tarball=$(ls ../shared/vpp/vpp-*.tar.gz 2>/dev/null | sort | tail -n 1)
    fi
    if [ -n "$tarball" ] && [ -f "$tarball" ]; then
        USERSPACE_CNI_VPP_TARBALL=$(readlink -f "$tarball")
        export USERSPACE_CNI_VPP_TARBALL
    fi
    if [ -n "${USERSPACE_CNI_VPP:-}" ] && [ -x "$USERSPACE_CNI_VPP" ]; then
        return 0
    fi
    if [ -x /usr/bin/vpp ]; then
        export USERSPACE_CNI_VPP=/usr/bin/vpp
        return 0
    fi
    [ -n "$tarball" ] && [ -f "$tarball" ] || die "no VPP: install FD.io's vpp and vpp-plugin-core packages, \
or set USERSPACE_CNI_VPP_TARBALL to a VPP build tarball (vpp/bin/vpp, vpp/lib/vpp_plugins)"
    mkdir -p target/tools
    tar -xzf "$tarball" -C target/tools || die "cannot unpack $tarball"
    [ -x target/tools/vpp/bin/vpp ] || die "$tarball holds no vpp/bin/vpp"
    export USERSPACE_CNI_VPP="$PWD/target/tools/vpp/bin/vpp"
    echo "VPP: $("$USERSPACE_CNI_VPP" --version 2>/dev/null | head -n 1 || true) from $tarball" >&2
}
