# A private Open vSwitch for the demo and the benchmarks, in a directory of their own; never the system's.
# Sourced, not run. ovs_start_db DIR starts ovsdb-server; ovs_start_vswitchd DIR HUGEDIR [EAL-ARGS] starts
# the DPDK-enabled ovs-vswitchd in a network namespace of its own, named in DIR/netns (its netdev taps stay
# there; a "container" OVS is one such instance); ovs_stop DIR stops both by their pid files and removes the
# namespace.

OVS_VSWITCHD_DPDK=/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk

ovs_env() {
    export OVS_RUNDIR="$1" OVS_LOGDIR="$1" OVS_DBDIR="$1"
}

vsctl() { # DIR ARGS...
    local dir="$1"
    shift
    ovs-vsctl --db="unix:$dir/db.sock" "$@"
}

ovs_start_db() {
    local dir="$1"
    mkdir -p "$dir"
    ovs_env "$dir"
    ovsdb-tool create "$dir/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    ovsdb-server "$dir/conf.db" --remote="punix:$dir/db.sock" --pidfile="$dir/ovsdb-server.pid" \
        --unixctl="$dir/ovsdb-server.ctl" --log-file="$dir/ovsdb-server.log" --detach 2>/dev/null
    vsctl "$dir" --no-wait init
}

ovs_start_vswitchd() {
    local dir="$1" huge="$2" more="${3:-}" netns
    netns="usrsp-$(basename "$dir")-$$"
    ovs_env "$dir"
    vsctl "$dir" --no-wait set Open_vSwitch . other_config:dpdk-init=true other_config:dpdk-socket-mem=256 \
        other_config:pmd-maxsleep=10000 other_config:per-port-memory=true \
        "other_config:dpdk-extra=--no-pci --no-telemetry --huge-dir=$huge --file-prefix=$netns $more"
    ip netns add "$netns"
    echo "$netns" >"$dir/netns"
    ip netns exec "$netns" "$OVS_VSWITCHD_DPDK" "unix:$dir/db.sock" --pidfile="$dir/ovs-vswitchd.pid" \
        --unixctl="$dir/ovs-vswitchd.ctl" --log-file="$dir/ovs-vswitchd.log" --detach -vconsole:off 2>/dev/null
    vsctl "$dir" --timeout=60 wait-until Open_vSwitch . dpdk_initialized=true
}

ovs_stop() {
    local dir="$1" pidfile pid
    for pidfile in "$dir/ovs-vswitchd.pid" "$dir/ovsdb-server.pid"; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null && tail --pid="$pid" -f /dev/null
    done
    if [ -f "$dir/netns" ]; then
        ip netns del "$(cat "$dir/netns")" 2>/dev/null || true
        # DPDK's runtime directory, named after the file prefix, outlives ovs-vswitchd.
        rm -rf "/var/run/dpdk/$(cat "$dir/netns")"
    fi
}
