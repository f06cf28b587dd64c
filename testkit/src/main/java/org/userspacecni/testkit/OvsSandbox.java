package org.userspacecni.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A private Open vSwitch for tests, in a directory of its own: an {@code ovsdb-server} with a fresh
 * database, and on request a DPDK-enabled {@code ovs-vswitchd} on hugepages, run inside its own network
 * namespace so that the taps of its netdev bridges never touch the host's. Never the system's OVS. Daemons
 * are stopped by their pid files; {@link #close()} leaves nothing behind.
 *
 * <p>{@link #vsctl} runs {@code ovs-vsctl} against it, for tests to look at the switch independently of the
 * code under test.
 */
public final class OvsSandbox implements AutoCloseable {

    /** Where Debian's openvswitch-switch-dpdk installs the DPDK-enabled switch daemon. */
    public static final Path VSWITCHD_DPDK = Path.of("/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk");
    public static final Path SCHEMA = Path.of("/usr/share/openvswitch/vswitch.ovsschema");
    /** Set by scripts/test: a hugetlbfs mount with pages reserved for the tests. */
    public static final String HUGEPAGES_VARIABLE = "USERSPACE_CNI_TEST_HUGEPAGES";

    private final Path dir;
    private Optional<NetworkNamespace> netns = Optional.empty();
    private boolean vswitchdFrozen;
    private Optional<String> filePrefix = Optional.empty();

    private OvsSandbox(Path dir) {
        this.dir = dir;
    }

    /** Creates a database and starts ovsdb-server on {@code dir/db.sock}. */
    public static OvsSandbox start(Path dir) {
        OvsSandbox ovs = new OvsSandbox(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ovs.run(List.of("ovsdb-tool", "create", dir.resolve("conf.db").toString(), SCHEMA.toString()));
        ovs.startDatabase();
        ovs.vsctl("--no-wait", "init");
        return ovs;
    }

    public Path dir() {
        return dir;
    }

    public Path dbSocket() {
        return dir.resolve("db.sock");
    }

    /** (Re)starts ovsdb-server on the existing database. */
    public void startDatabase() {
        run(List.of("ovsdb-server", dir.resolve("conf.db").toString(), "--remote=punix:" + dbSocket(),
                "--pidfile=" + dir.resolve("ovsdb-server.pid"), "--unixctl=" + dir.resolve("ovsdb-server.ctl"),
                "--log-file=" + dir.resolve("ovsdb-server.log"), "--detach"));
    }

    /** Stops ovsdb-server (SIGTERM, or SIGKILL with {@code kill}) and waits until it is gone. */
    public void stopDatabase(boolean kill) {
        stop(dir.resolve("ovsdb-server.pid"), kill);
    }

    /**
     * Starts the DPDK-enabled ovs-vswitchd on the hugepages that scripts/test reserved, in a network
     * namespace of its own, and waits until DPDK is initialised.
     */
    public void startVswitchd(String filePrefix) {
        startVswitchd(filePrefix, "");
    }

    /**
     * The same with more DPDK EAL arguments: a second OVS-DPDK on one machine, like a container's, needs
     * {@code --single-file-segments}.
     */
    public void startVswitchd(String filePrefix, String moreEalArguments) {
        String hugepages = System.getenv(HUGEPAGES_VARIABLE);
        if (hugepages == null || !Files.isDirectory(Path.of(hugepages))) {
            throw new IllegalStateException(HUGEPAGES_VARIABLE + " does not name a hugetlbfs mount: run the"
                    + " tests through scripts/test, which reserves and mounts hugepages");
        }
        vsctl("--no-wait", "set", "Open_vSwitch", ".", "other_config:dpdk-init=true",
                "other_config:dpdk-socket-mem=256", "other_config:pmd-maxsleep=10000",
                "other_config:per-port-memory=true",
                "other_config:dpdk-extra=--no-pci --no-telemetry --huge-dir=" + hugepages
                        + " --file-prefix=" + filePrefix + (moreEalArguments.isEmpty() ? "" : " " + moreEalArguments));
        this.filePrefix = Optional.of(filePrefix);
        NetworkNamespace namespace = NetworkNamespace.create();
        netns = Optional.of(namespace);
        launchVswitchd(namespace);
        try {
            vsctl("--timeout=60", "wait-until", "Open_vSwitch", ".", "dpdk_initialized=true");
        } catch (IllegalStateException e) {
            throw new IllegalStateException("DPDK did not initialise in ovs-vswitchd within 60 s; see "
                    + dir.resolve("ovs-vswitchd.log"), e);
        }
    }

    /** The pid of the running ovs-vswitchd, from its pid file. */
    public long vswitchdPid() {
        try {
            return Long.parseLong(Files.readString(dir.resolve("ovs-vswitchd.pid")).strip());
        } catch (IOException e) {
            throw new IllegalStateException("ovs-vswitchd is not running: no pid file in " + dir, e);
        }
    }

    /**
     * Kills ovs-vswitchd (SIGKILL, by its pid) and waits until it is gone, as a crash would: it cleans up
     * nothing, its network namespace and taps stay for {@link #restartVswitchd()}.
     */
    public void killVswitchd() {
        vswitchdPid();
        stop(dir.resolve("ovs-vswitchd.pid"), true);
        vswitchdFrozen = false;
    }

    /** Stops ovs-vswitchd where it is (SIGSTOP): it holds its database connection but applies nothing. */
    public void freezeVswitchd() {
        run(List.of("kill", "-STOP", String.valueOf(vswitchdPid())));
        vswitchdFrozen = true;
    }

    /** Lets a frozen ovs-vswitchd go on (SIGCONT). */
    public void thawVswitchd() {
        run(List.of("kill", "-CONT", String.valueOf(vswitchdPid())));
        vswitchdFrozen = false;
    }

    /**
     * Starts ovs-vswitchd again after {@link #killVswitchd()}, in the same network namespace and with the same
     * configuration, and waits until it has caught up with the database: {@code ovs-vsctl init}, a no-op on a
     * database already initialised, waits like every change until ovs-vswitchd has applied it.
     */
    public void restartVswitchd() {
        if (Files.exists(dir.resolve("ovs-vswitchd.pid"))) {
            throw new IllegalStateException("ovs-vswitchd is still running (pid " + vswitchdPid() + ")");
        }
        launchVswitchd(netns());
        try {
            vsctl("--timeout=60", "init");
        } catch (IllegalStateException e) {
            throw new IllegalStateException("the restarted ovs-vswitchd did not apply the database within 60 s;"
                    + " see " + dir.resolve("ovs-vswitchd.log"), e);
        }
    }

    private void launchVswitchd(NetworkNamespace namespace) {
        try {
            run(List.of("ip", "netns", "exec", namespace.name(), VSWITCHD_DPDK.toString(), "unix:" + dbSocket(),
                    "--pidfile=" + dir.resolve("ovs-vswitchd.pid"), "--unixctl=" + dir.resolve("ovs-vswitchd.ctl"),
                    "--log-file=" + dir.resolve("ovs-vswitchd.log"), "--detach", "-vconsole:off"));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + tail(dir.resolve("ovs-vswitchd.log")), e);
        }
    }

    /** The network namespace ovs-vswitchd runs in, where its bridges' taps are. */
    public NetworkNamespace netns() {
        return netns.orElseThrow(() -> new IllegalStateException("ovs-vswitchd was not started"));
    }

    /** Runs a command in ovs-vswitchd's network namespace and returns its output; fails the test if it fails. */
    public String inNetns(String... command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", netns().name()));
        all.addAll(List.of(command));
        return run(all);
    }

    /** Runs ovs-vsctl against this sandbox and returns its stdout; fails the test if it fails. */
    public String vsctl(String... args) {
        List<String> command = new ArrayList<>(List.of("ovs-vsctl", "--db=unix:" + dbSocket()));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs ovs-appctl against this sandbox's ovs-vswitchd and returns its stdout; fails the test if it fails. */
    public String appctl(String... args) {
        List<String> command = new ArrayList<>(List.of("ovs-appctl", "-t", dir.resolve("ovs-vswitchd.ctl")
                .toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    @Override
    public void close() {
        if (vswitchdFrozen) {
            // A stopped process would keep SIGTERM pending for ever.
            killVswitchd();
        }
        netns.ifPresent(ns -> {
            stop(dir.resolve("ovs-vswitchd.pid"), false);
            ns.close();
        });
        filePrefix.ifPresent(DpdkRuntime::remove);
        stopDatabase(false);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void stop(Path pidFile, boolean kill) {
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).ifPresent(process -> {
                if (kill) {
                    process.destroyForcibly();
                } else {
                    process.destroy();
                }
                process.onExit().join();
            });
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String run(List<String> command) {
        Map<String, String> env = new HashMap<>(Map.of("OVS_RUNDIR", dir.toString(), "OVS_LOGDIR", dir.toString(),
                "OVS_DBDIR", dir.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + exit + "): " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
