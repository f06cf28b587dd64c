# Class-data sharing for the built plugin. Sourced by scripts/build, not run.
# plugin_class_archive DIST: runs DIST's plugin through the commands a runtime sends — for an ovs-dpdk and a
# vpp network whose switch is not there, so nothing outside a temporary directory is touched — records the
# classes each run loads, and archives them all in DIST/cni/bin/userspace.d/userspace.jsa, which the launcher
# maps at start instead of loading and verifying those classes again. The archive belongs to the Java runtime
# and the class path it was made with: userspace.jsa.home says where, and the launcher uses it only there
# (elsewhere the JVM would drop class-data sharing altogether, its own archive included).
plugin_class_archive() {
    local bin home train n=0 engine command config
    bin="$(readlink -f "$1/cni/bin")"
    home="$bin/userspace.d"
    train="$(mktemp -d -t usrsp-cds.XXXXXX)"
    for engine in ovs-dpdk vpp; do
        config='{"cniVersion":"1.1.0","name":"class-archive","type":"userspace","dataDir":"'"$train/data"'",
                 "sharedDir":"'"$train/shared"'","host":{"engine":"'"$engine"'","iftype":"vhostuser",
                 "options":{"ovsdbSocket":"'"$train/db.sock"'","apiSocket":"'"$train/api.sock"'"}}}'
        for command in VERSION ADD CHECK DEL GC STATUS; do
            env -i PATH="$PATH" CNI_COMMAND="$command" CNI_CONTAINERID=classarchive0001 CNI_IFNAME=net1 \
                CNI_NETNS=/proc/self/ns/net CNI_PATH="$train" USERSPACE_CNI_DAEMON_SOCKET="$train/no-daemon.sock" \
                USERSPACE_CNI_JAVA_OPTS="-XX:DumpLoadedClassList=$train/$n.classes" \
                "$bin/userspace" <<<"$config" >/dev/null 2>&1 || true
            n=$((n + 1))
        done
    done
    awk '!seen[$0]++' "$train"/*.classes >"$train/all.classes"
    "$home/jre/bin/java" -Xshare:dump -XX:SharedClassListFile="$train/all.classes" \
        -XX:SharedArchiveFile="$home/userspace.jsa" -Xlog:disable -Xlog:all=error:stderr \
        -cp "$home/lib/*:$home/backends/*" >/dev/null
    echo "$home" >"$home/userspace.jsa.home"
    rm -rf "$train"
}
