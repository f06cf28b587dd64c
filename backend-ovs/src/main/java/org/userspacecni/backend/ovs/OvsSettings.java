package org.userspacecni.backend.ovs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ConfigDoc;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.Side;

/**
 * Where this engine finds OVS and how long it waits for it. Each setting comes from the side's
 * {@code options} in the network configuration, else from an environment variable, else a default; the
 * constants naming the options say which.
 */
record OvsSettings(Path dbSocket, Path runDir, boolean waitForVswitchd, Duration requestTimeout,
        Duration applyTimeout, Duration statusTimeout) {

    /**
     * How long STATUS waits for ovs-vswitchd to acknowledge a change that changes nothing: a running switch
     * does so in milliseconds, and a runtime asking whether to schedule pods here should not wait long for no.
     */
    static final Duration STATUS_TIMEOUT = Duration.ofSeconds(5);

    @ConfigDoc(value = "ovsdb-server's unix socket; else the environment variable {DB_SOCKET_VARIABLE}.",
            defaultValue = "the first of {DEFAULT_DB_SOCKETS} that exists")
    static final String DB_SOCKET = "ovsdbSocket";
    static final String DB_SOCKET_VARIABLE = "USERSPACE_CNI_OVSDB_SOCKET";
    static final List<Path> DEFAULT_DB_SOCKETS = List.of(Path.of("/var/run/openvswitch/db.sock"),
            Path.of("/usr/local/var/run/openvswitch/db.sock"));

    @ConfigDoc(value = "ovs-vswitchd's run directory, where it makes the sockets of `dpdkvhostuser` (server mode)"
            + " ports, under `other_config:vhost-sock-dir`; else the environment variable {RUN_DIR_VARIABLE}.",
            defaultValue = "the directory of the database socket")
    static final String RUN_DIR = "ovsRunDir";
    static final String RUN_DIR_VARIABLE = "OVS_RUNDIR";

    @ConfigDoc(value = "`true` waits, as `ovs-vsctl` does, until ovs-vswitchd has applied each change and reads"
            + " back what it reports, and STATUS asks it to acknowledge a change; `false` only writes the database, for"
            + " an ovsdb-server without ovs-vswitchd; else the environment variable {WAIT_VARIABLE}.", defaultValue = "`true`",
            allowed = "`true`, `false`")
    static final String WAIT = "waitForVswitchd";
    static final String WAIT_VARIABLE = "USERSPACE_CNI_OVS_WAIT";

    static OvsSettings of(Side side, BackendContext context) {
        return of(side::option, context);
    }

    /** The settings from the environment and the defaults alone, with no configuration to read options from. */
    static OvsSettings of(BackendContext context) {
        return of(option -> Optional.empty(), context);
    }

    private static OvsSettings of(Function<String, Optional<String>> options, BackendContext context) {
        Path dbSocket = setting(options, context, DB_SOCKET, DB_SOCKET_VARIABLE).map(Path::of)
                .orElseGet(() -> DEFAULT_DB_SOCKETS.stream().filter(Files::exists).findFirst()
                        .orElse(DEFAULT_DB_SOCKETS.get(0)));
        Path runDir = setting(options, context, RUN_DIR, RUN_DIR_VARIABLE).map(Path::of)
                .orElse(dbSocket.toAbsolutePath().getParent());
        String wait = setting(options, context, WAIT, WAIT_VARIABLE).orElse("true");
        if (!wait.equals("true") && !wait.equals("false")) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                    WAIT + " must be true or false, not '" + wait + "'");
        }
        return new OvsSettings(dbSocket, runDir, Boolean.parseBoolean(wait), Duration.ofSeconds(10),
                Duration.ofSeconds(30), STATUS_TIMEOUT);
    }

    private static Optional<String> setting(Function<String, Optional<String>> options, BackendContext context,
            String option, String variable) {
        return options.apply(option).or(() -> context.environment(variable)).filter(value -> !value.isEmpty());
    }
}
