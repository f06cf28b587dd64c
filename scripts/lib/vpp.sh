# A private VPP for the demo and the benchmarks, in a directory of its own; never the system's. Sourced, not
# run, after setup.sh's ensure_vpp (which finds the program). vpp_start DIR [PLUGIN...] starts one whose
# binary API is DIR/api.sock and CLI DIR/cli.sock, loading only the memif and vhost-user plugins (or those
# named), without hugepages or DPDK; vpp_stop DIR stops it by its pid file; vppctl_at DIR ARGS... runs a CLI
# command on it; rx_packets DIR NAME reads an interface's rx counter. The same settings as the tests'
# VppSandbox.

vppctl_at() { # DIR ARGS...
    local dir="$1"
    shift
    "$(dirname "$USERSPACE_CNI_VPP")/vppctl" -s "$dir/cli.sock" "$@"
}

# rx_packets DIR NAME: the packets VPP in DIR received on interface NAME (0 before the first).
rx_packets() {
    vppctl_at "$1" show interface "$2" | tr -d '\r' |
        awk '{ for (i = 1; i < NF - 1; i++) if ($i == "rx" && $(i + 1) == "packets") { print $(i + 2); exit } }' |
        grep . || echo 0
}

vpp_prefix() { # DIR
    echo "usrsp-$$-$(basename "$1")"
}

vpp_start() { # DIR [PLUGIN...]
    local dir="$1" plugins i=0
    shift
    plugins=("${@:-memif_plugin.so}")
    [ $# -gt 0 ] || plugins+=(vhost_plugin.so)
    mkdir -p "$dir"
    {
        echo "unix { nodaemon cli-listen $dir/cli.sock runtime-dir $dir log $dir/vpp.log poll-sleep-usec 100 }"
        echo "socksvr { socket-name $dir/api.sock }"
        echo "api-segment { prefix $(vpp_prefix "$dir") }"
        echo "memory { main-heap-size 512M main-heap-page-size 4k }"
        echo "buffers { buffers-per-numa 16384 page-size 4k }"
        echo "statseg { socket-name $dir/stats.sock size 32M page-size 4k }"
        echo "plugins { plugin default { disable }"
        for enabled in "${plugins[@]}"; do echo "  plugin $enabled { enable }"; done
        echo "}"
    } >"$dir/startup.conf"
    "$USERSPACE_CNI_VPP" -c "$dir/startup.conf" >"$dir/stdout.log" 2>&1 &
    echo $! >"$dir/vpp.pid"
    until [ -S "$dir/api.sock" ] && vppctl_at "$dir" show version >/dev/null 2>&1; do
        kill -0 "$(cat "$dir/vpp.pid")" 2>/dev/null || die "VPP did not start: $(tail -5 "$dir/stdout.log" "$dir/vpp.log" 2>/dev/null)"
        i=$((i + 1))
        [ $i -lt 300 ] || die "VPP did not answer within 30 s: see $dir/vpp.log"
        sleep 0.1
    done
}

vpp_stop() { # DIR
    local dir="$1" pid
    [ -f "$dir/vpp.pid" ] || return 0
    pid="$(cat "$dir/vpp.pid")"
    kill "$pid" 2>/dev/null && tail --pid="$pid" -f /dev/null
    rm -f "$dir/vpp.pid" "$dir/api.sock" "$dir/cli.sock" "$dir/stats.sock"
    # VPP leaves its shared-memory segments behind; these are named after this instance's prefix.
    rm -f "/dev/shm/$(vpp_prefix "$dir")-global_vm" "/dev/shm/$(vpp_prefix "$dir")-vpe-api"
}
