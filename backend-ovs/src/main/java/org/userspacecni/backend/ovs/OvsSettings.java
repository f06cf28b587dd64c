package org.userspacecni.backend.ovs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.EngineOption;
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

    static final List<Path> DEFAULT_DB_SOCKETS = List.of(Path.of("/var/run/openvswitch/db.sock"),
            Path.of("/usr/local/var/run/openvswitch/db.sock"));
    static final EngineOption DB_SOCKET = new EngineOption("ovsdbSocket", EngineOption.BOTH_SECTIONS,
            Optional.of("USERSPACE_CNI_OVSDB_SOCKET"), "the first of " + DEFAULT_DB_SOCKETS.stream()
                    .map(path -> "`" + path + "`").collect(Collectors.joining(", ")) + " that exists", "",
            "ovsdb-server's unix socket.");

    static final EngineOption RUN_DIR = new EngineOption("ovsRunDir", EngineOption.BOTH_SECTIONS,
            Optional.of("OVS_RUNDIR"), "the directory of the database socket", "", "ovs-vswitchd's run directory,"
                    + " where it makes the sockets of `dpdkvhostuser` (server mode) ports, under"
                    + " `other_config:vhost-sock-dir`.");

    static final EngineOption WAIT = new EngineOption("waitForVswitchd", EngineOption.BOTH_SECTIONS,
            Optional.of("USERSPACE_CNI_OVS_WAIT"), "`true`", "`true`, `false`", "`true` waits, as `ovs-vsctl` does,"
                    + " until ovs-vswitchd has applied each change and reads back what it reports, and STATUS asks it"
                    + " to acknowledge a change; `false` only writes the database, for an ovsdb-server without"
                    + " ovs-vswitchd.");

    static final int DEFAULT_APPLY_SECONDS = 30;
    static final int MAX_APPLY_SECONDS = 3600;
    static final EngineOption APPLY_TIMEOUT = new EngineOption("applyTimeout", EngineOption.BOTH_SECTIONS,
            Optional.of("USERSPACE_CNI_OVS_APPLY_TIMEOUT"), String.valueOf(DEFAULT_APPLY_SECONDS),
            "seconds, 1 to " + MAX_APPLY_SECONDS, "How long a command waits for ovs-vswitchd to apply a change or"
                    + " bring a link up, with `waitForVswitchd`: an ADD it has not applied by then fails with 11 (try"
                    + " again later) and undoes what it made; a DEL goes on, its removal in the database.");

    static OvsSettings of(Side side, BackendContext context) {
        return of(option -> option.value(side, context));
    }

    /** The settings from the environment and the defaults alone, with no configuration to read options from. */
    static OvsSettings of(BackendContext context) {
        return of(option -> option.value(context));
    }

    private static OvsSettings of(Function<EngineOption, Optional<String>> setting) {
        Path dbSocket = setting.apply(DB_SOCKET).map(Path::of)
                .orElseGet(() -> DEFAULT_DB_SOCKETS.stream().filter(Files::exists).findFirst()
                        .orElse(DEFAULT_DB_SOCKETS.get(0)));
        Path runDir = setting.apply(RUN_DIR).map(Path::of).orElse(dbSocket.toAbsolutePath().getParent());
        String wait = setting.apply(WAIT).orElse("true");
        if (!wait.equals("true") && !wait.equals("false")) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                    WAIT.name() + " must be true or false, not '" + wait + "'");
        }
        return new OvsSettings(dbSocket, runDir, Boolean.parseBoolean(wait), Duration.ofSeconds(10),
                Duration.ofSeconds(applySeconds(setting.apply(APPLY_TIMEOUT))), STATUS_TIMEOUT);
    }

    private static int applySeconds(Optional<String> given) {
        try {
            int seconds = given.map(Integer::parseInt).orElse(DEFAULT_APPLY_SECONDS);
            if (seconds >= 1 && seconds <= MAX_APPLY_SECONDS) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // Said below, with the option's name.
        }
        throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, APPLY_TIMEOUT.name() + " must be a number of"
                + " seconds from 1 to " + MAX_APPLY_SECONDS + ", not '" + given.orElse("") + "'");
    }
}
