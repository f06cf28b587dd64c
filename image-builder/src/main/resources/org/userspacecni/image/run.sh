#!/bin/bash
# Runs the userspace-cni data-plane image attached to the host switch, as the original
# usrsp-docker-run.sh did, with podman or docker: a pause container with no network holds the network
# namespace; the userspace CNI plugin ADDs the attachment for it; the image runs in that namespace with the
# shared socket directory and its own data directory mounted; on exit the attachment is DELeted and the
# pause container removed.
#
# usage: run.sh IMAGE NETWORK-CONFIG [COMMAND...]
# Environment, defaults in brackets:
#   CONTAINER_ENGINE [podman, else docker]  with its own flags in CONTAINER_ENGINE_FLAGS
#   USRSP_CNI_PLUGIN [/opt/cni/bin/userspace]  CNI_PATH [the plugin's directory]
#   USRSP_DATA_DIR [/var/lib/cni/usrspcni], USRSP_SHARED_DIR [/var/lib/cni/usrspcni/shared]: the dataDir and
#   sharedDir of the network configuration
#   USRSP_IFNAME [net1]
set -euo pipefail

image="$1"
config="$2"
shift 2
engine="${CONTAINER_ENGINE:-$(command -v podman || command -v docker)}"
read -r -a engine_flags <<<"${CONTAINER_ENGINE_FLAGS:-}"
plugin="${USRSP_CNI_PLUGIN:-/opt/cni/bin/userspace}"
cni_path="${CNI_PATH:-$(dirname "$plugin")}"
data_dir="${USRSP_DATA_DIR:-/var/lib/cni/usrspcni}"
shared_dir="${USRSP_SHARED_DIR:-/var/lib/cni/usrspcni/shared}"
ifname="${USRSP_IFNAME:-net1}"
# The default limits of some hosts are too low for DPDK and OVS.
limits=(--ulimit nofile=20000:20000 --ulimit nproc=4096:4096)

cni() { # COMMAND
    CNI_COMMAND="$1" CNI_CONTAINERID="$pause" CNI_NETNS="$netns" CNI_IFNAME="$ifname" CNI_PATH="$cni_path" \
        "$plugin" <"$config"
}

pause=$("$engine" "${engine_flags[@]}" run -d --network=none --no-healthcheck "${limits[@]}" --entrypoint sleep \
    "$image" infinity)
cleanup() {
    cni DEL >/dev/null || echo "run.sh: DEL failed; run it again: CNI_COMMAND=DEL ... $plugin" >&2
    "$engine" "${engine_flags[@]}" kill "$pause" >/dev/null || true
    "$engine" "${engine_flags[@]}" rm "$pause" >/dev/null
}
trap cleanup EXIT
# The pause container's network namespace, as both podman and docker can tell it.
netns="/proc/$("$engine" "${engine_flags[@]}" inspect -f '{{.State.Pid}}' "$pause")/ns/net"
cni ADD >/dev/null

"$engine" "${engine_flags[@]}" run --rm -i $([ -t 0 ] && echo -t) --network="container:$pause" "${limits[@]}" \
    --cap-drop=ALL --cap-add=NET_ADMIN --cap-add=NET_RAW --device /dev/net/tun \
    -v "$data_dir/$pause:/var/lib/cni/usrspcni/data" -v "$shared_dir:/var/lib/cni/usrspcni/shared" \
    "$image" "$@"
