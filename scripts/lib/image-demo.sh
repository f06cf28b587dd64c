# The image part of scripts/demo (scripts/demo --image). Sourced by it, with $work, $plugin, the host OVS
# in $work/ovs and the helpers say and vsctl. image_demo builds the debian12 data-plane image here (a
# debootstrap base imported into a private podman storage, the context from usrsp-image, buildah), runs it
# attached to the host switch through run.sh, then lets podman's own CNI backend run the plugin.
# image_demo_cleanup, from the demo's exit trap, removes what is left if it stopped half-way.

image_demo() {
    local host_ns image=localhost/usrsp-ovs:demo
    local flags="--root $work/containers/root --runroot $work/containers/run --storage-driver vfs"
    podman_flags="$flags --runtime runc --cgroup-manager cgroupfs --events-backend file"
    cni_cache_existed=false
    [ -e /var/lib/cni ] && cni_cache_existed=true
    host_ns="$(cat "$work/ovs/netns")"

    say "A Debian 12 base (debootstrap) imported into a private podman storage in $work/containers"
    debootstrap --variant=minbase bookworm "$work/rootfs" "$(debian_mirror)" >"$work/debootstrap.log" 2>&1 \
        || die "debootstrap failed: $(tail -3 "$work/debootstrap.log")"
    tar -C "$work/rootfs" -c . | podman $podman_flags import - localhost/debian-base:12 >/dev/null

    say "usrsp-image writes the build context of the ovs variant; buildah builds it"
    dist/bin/usrsp-image --variant ovs --base debian12 --agent local --agent-dir dist --output "$work/context"
    ls "$work/context" | sed 's/^/  /'
    buildah $flags bud --format docker --isolation chroot --build-arg BASE_IMAGE=localhost/debian-base \
        --build-arg BASE_TAG=12 -t "$image" "$work/context" >"$work/buildah.log" 2>&1 \
        || die "buildah failed: $(tail -5 "$work/buildah.log")"
    podman $podman_flags images --format '  {{.Repository}}:{{.Tag}} {{.Size}}' "$image"

    say "run.sh: a pause container, the CNI ADD for it, the image in its network namespace"
    # The operator's bridge, with an address to ping: the plugin adds its port and never removes the bridge.
    vsctl "$work/ovs" add-br br-img -- set Bridge br-img datapath_type=netdev
    ip netns exec "$host_ns" ip addr add 10.99.0.1/24 dev br-img
    ip netns exec "$host_ns" ip link set br-img up
    cat >"$work/image-net.json" <<JSON
{"cniVersion":"1.0.0","name":"userspace-image-net","type":"userspace",
 "dataDir":"$work/image-data","sharedDir":"$work/image-shared",
 "host":{"engine":"ovs-dpdk","iftype":"vhostuser","bridge":{"bridgeName":"br-img"},
         "options":{"ovsdbSocket":"$work/ovs/db.sock"}},
 "ipam":{"type":"host-local","subnet":"10.56.218.0/24","dataDir":"$work/ipam"}}
JSON
    echo "\$ run.sh $image image-net.json bash -c '... usrsp-agent status; ping 10.99.0.1'"
    CONTAINER_ENGINE=podman CONTAINER_ENGINE_FLAGS="$podman_flags" USRSP_CNI_PLUGIN="$plugin" \
        CNI_PATH="$(dirname "$plugin"):/usr/lib/cni" USRSP_DATA_DIR="$work/image-data" \
        USRSP_SHARED_DIR="$work/image-shared" bash "$work/context/run.sh" "$image" "$work/image-net.json" \
        bash -c 'ovs-vsctl --timeout=60 wait-until Interface net1 link_state=up && usrsp-agent status &&
                 ip addr add 10.99.0.2/24 dev br0 && ip link set br0 up && ping -c 3 -W 5 10.99.0.1' 2>&1 \
        | grep -v 'systemd connection' | sed 's/^/  /'
    echo "after exit, ports on br-img: [$(vsctl "$work/ovs" list-ports br-img | tr '\n' ' ')]" \
         " sockets: [$(ls "$work/image-shared")]"
    vsctl "$work/ovs" del-br br-img

    say "Podman's own CNI backend runs the plugin for a network of \"type\": \"userspace\""
    local id
    mkdir -p "$work/net.d"
    sed -e 's/"cniVersion":"1.0.0","name":"userspace-image-net",//' -e 's/br-img/br-pod/' "$work/image-net.json" \
        | { printf '{"cniVersion":"1.0.0","name":"usrsp-pod-net","plugins":['; cat; printf ']}\n'; } \
        >"$work/net.d/usrsp-pod-net.conflist"
    cat >"$work/containers.conf" <<CONF
[network]
network_backend = "cni"
network_config_dir = "$work/net.d"
cni_plugin_dirs = ["$(dirname "$plugin")", "/usr/lib/cni"]
CONF
    sed 's/^/  containers.conf: /' "$work/containers.conf"
    export CONTAINERS_CONF="$work/containers.conf"
    podman $podman_flags network ls | sed 's/^/  /'
    id=$(podman $podman_flags run -d --no-healthcheck --network usrsp-pod-net --ulimit nofile=20000:20000 --ulimit nproc=4096:4096 \
        --entrypoint sleep "$image" infinity 2> >(grep -v 'systemd connection' >&2))
    echo "container $id is up; the host switch has its port:"
    vsctl "$work/ovs" --columns=name,type,external_ids find Interface "external_ids:userspace-cni/container-id=$id" \
        | sed 's/^/  /'
    podman $podman_flags rm -f -t 0 "$id" >/dev/null
    unset CONTAINERS_CONF
    echo "after podman rm: bridges [$(vsctl "$work/ovs" list-br | tr '\n' ' ')]" \
         " store [$(ls "$work/image-data" | grep -v lock)]"
}

image_demo_cleanup() {
    [ -n "${podman_flags:-}" ] || return 0
    CONTAINERS_CONF="$work/containers.conf" podman $podman_flags rm -af -t 0 >/dev/null 2>&1 || true
    if [ "$cni_cache_existed" = false ]; then # libcni's result cache; podman does not let it be moved
        rmdir /var/lib/cni/results /var/lib/cni 2>/dev/null || true
    fi
}

# The Debian mirror apt uses here, so debootstrap reaches what apt reaches.
debian_mirror() {
    local uri
    uri=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
    echo "${uri:-http://deb.debian.org/debian}"
}
