#!/bin/bash
# Entrypoint of the userspace-cni data-plane image. Checks the setup first (a clear message instead of
# DPDK's EAL panicking on missing hugepages), starts the container's own OVS-DPDK (variant ovs) or VPP (variant
# vpp), lets usrsp-agent apply the attachments the CNI plugin stored for this container, then runs the command,
# an interactive shell by default. In the dpdk variant there is no switch: the command gets USRSP_EAL_ARGS, the
# EAL arguments that attach a DPDK application to every attachment (memory options and one vdev each), as in
#   dpdk-testpmd -l 0,1 $USRSP_EAL_ARGS -- --forward-mode=txonly
# SIGTERM stops the command, the agent and OVS or VPP cleanly.
#
# Environment, defaults in brackets:
#   USRSP_SOCKET_MEM [256]        MB of hugepage memory for DPDK; in the vpp variant, for VPP's packet buffers
#   USRSP_FILE_PREFIX [usrsp-<hostname>]  DPDK --file-prefix, distinct from the host's
#   USRSP_PMD_MAXSLEEP [10000]    microseconds an idle PMD thread may sleep
#   USRSP_HUGE_DIR []             a hugetlbfs mount point for DPDK, mounted if needed; empty: DPDK takes its
#                                 memory in-memory (OVS 3.x passes --in-memory) and needs no mount
#   USRSP_VPP_MAIN_CORE [0]       the CPU VPP's main thread is pinned to: one this container may use
#   USRSP_VPP_RUN_DIR [/run/vpp]  where the startup.conf written here, VPP's API socket (api.sock) and CLI socket
#                                 (cli.sock) are; the health check and vppctl look in /run/vpp
#   USRSP_VPP_LOG_DIR [/var/log/vpp]  VPP's log (vpp.log: the startup configuration and CLI commands)
#   USRSP_VPP_START_TIMEOUT [60]  seconds VPP may take to open its API socket
#   USRSP_VPP_HUGEPAGES [yes]     no: VPP's heap, buffers and statistics take ordinary 4k pages and the host need
#                                 reserve no hugepages (an image built from a VPP tarball sets no)
#   USRSP_AGENT_ARGS []           more arguments for usrsp-agent (--data-dir, --shared-dir, --log-level)
set -euo pipefail

socket_mem="${USRSP_SOCKET_MEM:-256}"
file_prefix="${USRSP_FILE_PREFIX:-usrsp-$HOSTNAME}"
pmd_maxsleep="${USRSP_PMD_MAXSLEEP:-10000}"
run_dir=/var/run/openvswitch
read -r -a agent_args <<<"${USRSP_AGENT_ARGS:-}"
agent_pid=
command_pid=
vpp_pid=

log() { echo "usrsp-entrypoint: $*" >&2; }

stop() {
    if [ -n "$command_pid" ]; then kill "$command_pid" 2>/dev/null || true; fi
    if [ -n "$agent_pid" ]; then kill "$agent_pid" 2>/dev/null || true; fi
    for daemon in ovs-vswitchd ovsdb-server; do
        if [ -f "$run_dir/$daemon.pid" ]; then kill "$(cat "$run_dir/$daemon.pid")" 2>/dev/null || true; fi
    done
    if [ -n "$vpp_pid" ]; then
        # VPP leaves its main loop on SIGTERM (and ignores one that comes before the loop runs). Waited for,
        # boundedly: when this script, the container's first process, exits, whatever is left is killed.
        kill "$vpp_pid" 2>/dev/null || true
        for _ in {1..50}; do
            kill -0 "$vpp_pid" 2>/dev/null || return 0
            sleep 0.1
        done
        log "VPP did not stop on SIGTERM within 5 s: killing it"
        kill -KILL "$vpp_pid" 2>/dev/null || true
    fi
}
trap 'log "stopping"; stop; exit 143' TERM INT

huge_extra=
memory=--in-memory
if [ -n "${USRSP_HUGE_DIR:-}" ]; then
    mkdir -p "$USRSP_HUGE_DIR"
    grep -qs " $USRSP_HUGE_DIR hugetlbfs " /proc/mounts || mount -t hugetlbfs -o pagesize=2M none "$USRSP_HUGE_DIR"
    huge_extra="--huge-dir=$USRSP_HUGE_DIR"
    memory=
fi

pages=
vpp_buffer_pages=
vpp_ordinary_pages=
if [ "${USRSP_VARIANT:-ovs}" = vpp ] && [ "${USRSP_VPP_HUGEPAGES:-yes}" = no ]; then
    pages=--no-hugepages
    vpp_buffer_pages=$'\n  page-size 4k'
    vpp_ordinary_pages=$'memory {\n  main-heap-page-size 4k\n}\nstatseg {\n  page-size 4k\n}\n'
fi

# --cores 1: the switch or the command needs a CPU of the cpuset; how many more is the command's to say.
if ! usrsp-agent "${agent_args[@]}" doctor --before-start $memory $pages --socket-mem "$socket_mem" --cores 1; then
    log "the checks above failed: fix them and start the container again"
    exit 1
fi

if [ "${USRSP_VARIANT:-ovs}" = ovs ]; then
    mkdir -p "$run_dir" /etc/openvswitch /var/log/openvswitch
    [ -f /etc/openvswitch/conf.db ] || ovsdb-tool create /etc/openvswitch/conf.db "$USRSP_OVS_SCHEMA"
    ovsdb-server /etc/openvswitch/conf.db --remote="punix:$run_dir/db.sock" --pidfile="$run_dir/ovsdb-server.pid" \
        --log-file=/var/log/openvswitch/ovsdb-server.log --detach
    ovs-vsctl --no-wait init
    ovs-vsctl --no-wait set Open_vSwitch . other_config:dpdk-init=true \
        "other_config:dpdk-socket-mem=$socket_mem" "other_config:pmd-maxsleep=$pmd_maxsleep" \
        other_config:per-port-memory=true \
        "other_config:dpdk-extra=--no-pci --single-file-segments --file-prefix=$file_prefix $huge_extra"
    "$USRSP_OVS_VSWITCHD" --pidfile="$run_dir/ovs-vswitchd.pid" --log-file=/var/log/openvswitch/ovs-vswitchd.log \
        --detach -vconsole:off
    ovs-vsctl --timeout=60 wait-until Open_vSwitch . dpdk_initialized=true
    usrsp-agent "${agent_args[@]}" run &
    agent_pid=$!
    log "OVS-DPDK is up; usrsp-agent (pid $agent_pid) applies this container's attachments"
elif [ "${USRSP_VARIANT:-ovs}" = vpp ]; then
    vpp_run_dir="${USRSP_VPP_RUN_DIR:-/run/vpp}"
    vpp_log_dir="${USRSP_VPP_LOG_DIR:-/var/log/vpp}"
    vpp_api="$vpp_run_dir/api.sock"
    vpp_timeout="${USRSP_VPP_START_TIMEOUT:-60}"
    mkdir -p "$vpp_run_dir" "$vpp_log_dir"
    rm -f "$vpp_api" # left by an earlier run of this container, it would end the wait below before VPP is up
    # VPP in the foreground of its job (nodaemon), so this script holds its pid; its syslog messages are copied to
    # stderr, the container's log. No dpdk plugin: the container has no PCI devices, its interfaces are memif and
    # vhost-user. The packet buffers take about USRSP_SOCKET_MEM MB, the hugepages the checks above found free:
    # a buffer is 2304 bytes (2048 of data, 256 of metadata), 455 to the MB. VPP makes that pool on every NUMA
    # node with memory, from hugepages while there are any, then from ordinary pages. The main heap stays VPP's
    # default, ordinary pages touched as used. With USRSP_VPP_HUGEPAGES=no, the heap, the buffers and the
    # statistics segment are all on ordinary 4k pages, as in a VPP tarball's own startup.conf.
    cat >"$vpp_run_dir/startup.conf" <<EOF
unix {
  nodaemon
  cli-listen $vpp_run_dir/cli.sock
  log $vpp_log_dir/vpp.log
}
socksvr {
  socket-name $vpp_api
}
cpu {
  main-core ${USRSP_VPP_MAIN_CORE:-0}
}
buffers {
  buffers-per-numa $((socket_mem * 455))$vpp_buffer_pages
}
${vpp_ordinary_pages}
plugins {
  plugin dpdk_plugin.so { disable }
  plugin memif_plugin.so { enable }
  plugin vhost_plugin.so { enable }
}
EOF
    vpp -c "$vpp_run_dir/startup.conf" &
    vpp_pid=$!
    deadline=$((SECONDS + vpp_timeout))
    until [ -S "$vpp_api" ]; do
        if ! kill -0 "$vpp_pid" 2>/dev/null; then
            vpp_pid=
            log "VPP exited before it opened $vpp_api: see its messages above and $vpp_log_dir/vpp.log"
            exit 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            log "VPP did not open $vpp_api within $vpp_timeout s: see its messages above and $vpp_log_dir/vpp.log"
            stop
            exit 1
        fi
        sleep 0.1 # the polling interval
    done
    usrsp-agent "${agent_args[@]}" --engine-option "vpp.apiSocket=$vpp_api" run &
    agent_pid=$!
    log "VPP is up; usrsp-agent (pid $agent_pid) applies this container's attachments"
else
    USRSP_EAL_ARGS="--no-pci --single-file-segments --file-prefix=$file_prefix -m $socket_mem ${memory:-$huge_extra}"
    USRSP_EAL_ARGS+=" $(usrsp-agent "${agent_args[@]}" eal-args --vdevs-only)"
    export USRSP_EAL_ARGS
    log "USRSP_EAL_ARGS=$USRSP_EAL_ARGS"
fi

# Not exec: the entrypoint stays to stop everything on SIGTERM. Job control is off in a script, so the
# command keeps the terminal as its standard input when it is given explicitly.
"$@" <&0 &
command_pid=$!
status=0
wait "$command_pid" || status=$?
command_pid=
stop
exit "$status"
