# The VPP part of scripts/demo (scripts/demo --vpp). Sourced by it, with $work, $plugin, $netns and the helpers
# say and cni. vpp_demo starts a private host VPP, lets the plugin make two memif attachments in one of its
# bridge domains (the host's ends slaves, the pods' ends servers, which outlive a restart of the host VPP), puts a DPDK application (testpmd, given its arguments by usrsp-agent eal-args) on the first
# and a container's own VPP (joined by usrsp-agent) on the second, and shows the packets both count; then the
# host VPP restarts, userspace reconcile makes the attachments again and the traffic resumes; then CHECK and
# DEL. vpp_demo_cleanup, from the demo's exit
# trap, stops what is left.

vpp_config() {
    cat <<JSON
{"cniVersion":"1.1.0","name":"userspace-vpp-net","type":"userspace",
 "dataDir":"$work/data","sharedDir":"$work/shared",
 "host":{"engine":"vpp","iftype":"memif","netType":"bridge","memif":{"role":"slave","mode":"ethernet"},
         "bridge":{"bridgeName":"4"},"options":{"apiSocket":"$work/host-vpp/api.sock"}},
 "container":{"engine":"vpp","iftype":"memif","netType":"interface"},
 "ipam":{"type":"host-local","subnet":"10.56.218.0/24","dataDir":"$work/ipam"}${1:-}}
JSON
}

vpp_demo_cleanup() {
    [ -n "${vpp_testpmd_pid:-}" ] && kill "$vpp_testpmd_pid" 2>/dev/null && tail --pid="$vpp_testpmd_pid" -f /dev/null
    rm -rf "/var/run/dpdk/usrsp-demo-vpp-$$"
    vpp_stop "$work/container-vpp"
    vpp_stop "$work/host-vpp"
}

# memif_up DIR NAME: waits (30 s at most) until VPP in DIR shows NAME's link up.
memif_up() {
    local i=0
    until vppctl_at "$1" show hardware-interfaces "$2" 2>/dev/null | grep -q "$2 .* up "; do
        i=$((i + 1))
        [ $i -lt 300 ] || die "$2 did not come up in the VPP of $1: $(vppctl_at "$1" show memif "$2")
$(tail -n 20 "$work/vpp-testpmd.log" 2>/dev/null)"
        sleep 0.1
    done
}

vpp_demo() {
    local podA=vppdemoa0123456789 podB=vppdemob0123456789 eal memifA memifB memifC
    say "A private host VPP in $work/host-vpp ($("$USERSPACE_CNI_VPP" --version 2>/dev/null | head -n 1))"
    vpp_start "$work/host-vpp"
    vppctl_at "$work/host-vpp" show plugins | sed -n '/memif\|vhost/s/^/  /p'

    say "STATUS, then ADD of pods A and B: memif slaves in bridge domain 4, their sockets in the shared directory"
    cni STATUS "$(vpp_config)"
    cni ADD "$(vpp_config)" "$podA"
    cni ADD "$(vpp_config)" "$podB"
    cp "$work/stdout" "$work/result-b"
    vppctl_at "$work/host-vpp" show memif | sed 's/^/  /'
    vppctl_at "$work/host-vpp" show bridge-domain 4 detail | sed -n '/Interface/,$s/^/  /p'
    memifA="$(vppctl_at "$work/host-vpp" show interface | awk '/^memif/ { print $1 }' | sed -n 1p)"
    memifB="$(vppctl_at "$work/host-vpp" show interface | awk '/^memif/ { print $1 }' | sed -n 2p)"

    say "Pod B's own VPP (a second instance): usrsp-agent makes the memif master on pod B's socket, with its address"
    vpp_start "$work/container-vpp"
    dist/bin/usrsp-agent --data-dir "$work/data/$podB" --shared-dir "$work/shared" \
        --engine-option "vpp.apiSocket=$work/container-vpp/api.sock" --state-dir "$work/agent-state" run --once 2>&1 | sed 's/^/  agent: /'
    memifC="$(vppctl_at "$work/container-vpp" show interface | awk '/^memif/ { print $1; exit }')"
    memif_up "$work/container-vpp" "$memifC"
    memif_up "$work/host-vpp" "$memifB"
    vppctl_at "$work/container-vpp" show interface address | sed 's/^/  container VPP: /'

    say "Pod A is a DPDK application: testpmd in a network namespace, its EAL arguments from usrsp-agent eal-args"
    eal="$(dist/bin/usrsp-agent --data-dir "$work/data/$podA" --shared-dir "$work/shared" eal-args --vdevs-only)"
    echo "\$ usrsp-agent eal-args --vdevs-only"
    echo "  $eal"
    # shellcheck disable=SC2086 # the EAL arguments are words
    ip netns exec "$netns" dpdk-testpmd -l 0,1 --no-huge -m 256 --no-pci --no-shconf \
        --file-prefix="usrsp-demo-vpp-$$" $eal -- --total-num-mbufs=4096 --forward-mode=txonly --stats-period=5 \
        >"$work/vpp-testpmd.log" 2>&1 &
    vpp_testpmd_pid=$!
    memif_up "$work/host-vpp" "$memifA"
    echo "host VPP: $(vppctl_at "$work/host-vpp" show hardware-interfaces "$memifA" | sed -n 2p)"
    sleep 3
    echo "host VPP received $(rx_packets "$work/host-vpp" "$memifA") packets from testpmd on $memifA;"
    echo "bridge domain 4 flooded them to pod B, whose VPP received $(rx_packets "$work/container-vpp" "$memifC") on $memifC"

    say "The host VPP restarts and keeps nothing; userspace reconcile makes each attachment's interface again"
    vpp_stop "$work/host-vpp"
    vpp_start "$work/host-vpp"
    echo "host VPP after its restart: [$(vppctl_at "$work/host-vpp" show interface | awk '/^[a-z]/ && $1 != "Name" { print $1 }' | tr '\n' ' ')]"
    echo "\$ userspace reconcile --data-dir $work/data"
    "$plugin" reconcile --data-dir "$work/data" 2>&1 | sed 's/^/  /'
    memif_up "$work/host-vpp" "$memifA"
    memif_up "$work/host-vpp" "$memifB"
    memif_up "$work/container-vpp" "$memifC"
    echo "both ends reconnected by themselves: $(vppctl_at "$work/host-vpp" show bridge-domain 4 detail | grep -c memif) memifs in bridge domain 4 again"
    sleep 3
    echo "host VPP received $(rx_packets "$work/host-vpp" "$memifA") packets from testpmd since its restart;" \
        "pod B's VPP has now received $(rx_packets "$work/container-vpp" "$memifC")"
    kill "$vpp_testpmd_pid" && tail --pid="$vpp_testpmd_pid" -f /dev/null
    vpp_testpmd_pid=

    say "CHECK pod B, then DEL both and DEL again: nothing of theirs is left in VPP"
    cni CHECK "$(vpp_config ",\"prevResult\":$(cat "$work/result-b")")" "$podB"
    cni DEL "$(vpp_config)" "$podA"
    cni DEL "$(vpp_config)" "$podB"
    cni DEL "$(vpp_config)" "$podB"
    echo "host VPP interfaces: [$(vppctl_at "$work/host-vpp" show interface | awk 'NR > 1 && $1 !~ /^(rx|tx|drops|punt|ip4|ip6)$/ && NF > 3 { print $1 }' | tr '\n' ' ')]"
    echo "bridge domains: [$(vppctl_at "$work/host-vpp" show bridge-domain | awk 'NR > 1 { print $1 }' | tr '\n' ' ')]"
    vpp_demo_cleanup
}
