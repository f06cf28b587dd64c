package org.userspacecni.backend.ovs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.Side;

/**
 * Where this engine finds OVS and how long it waits for it. Each setting comes from the side's
 * {@code options} in the network configuration, else from an environment variable, else a default:
 *
 * <ul>
 * <li>{@code ovsdbSocket} / {@code USERSPACE_CNI_OVSDB_SOCKET}: ovsdb-server's unix socket; by default the
 *     first of {@code /var/run/openvswitch/db.sock} and {@code /usr/local/var/run/openvswitch/db.sock} that
 *     exists.</li>
 * <li>{@code ovsRunDir} / {@code OVS_RUNDIR}: ovs-vswitchd's run directory, where it makes the sockets of
 *     {@code dpdkvhostuser} (server mode) ports, under {@code other_config:vhost-sock-dir}; by default the
 *     directory of the database socket.</li>
 * <li>{@code waitForVswitchd} / {@code USERSPACE_CNI_OVS_WAIT}: {@code true} (the default) waits, as
 *     {@code ovs-vsctl} does, until ovs-vswitchd has applied each change and reads back what it reports;
 *     {@code false} only writes the database, for an ovsdb-server without ovs-vswitchd.</li>
 * </ul>
 */
record OvsSettings(Path dbSocket, Path runDir, boolean waitForVswitchd, Duration requestTimeout,
        Duration applyTimeout) {

    static final List<Path> DEFAULT_DB_SOCKETS = List.of(Path.of("/var/run/openvswitch/db.sock"),
            Path.of("/usr/local/var/run/openvswitch/db.sock"));

    static OvsSettings of(Side side, BackendContext context) {
        return of(side::option, context);
    }

    /** The settings from the environment and the defaults alone, with no configuration to read options from. */
    static OvsSettings of(BackendContext context) {
        return of(option -> Optional.empty(), context);
    }

    private static OvsSettings of(Function<String, Optional<String>> options, BackendContext context) {
        Path dbSocket = setting(options, context, "ovsdbSocket", "USERSPACE_CNI_OVSDB_SOCKET").map(Path::of)
                .orElseGet(() -> DEFAULT_DB_SOCKETS.stream().filter(Files::exists).findFirst()
                        .orElse(DEFAULT_DB_SOCKETS.get(0)));
        Path runDir = setting(options, context, "ovsRunDir", "OVS_RUNDIR").map(Path::of)
                .orElse(dbSocket.toAbsolutePath().getParent());
        String wait = setting(options, context, "waitForVswitchd", "USERSPACE_CNI_OVS_WAIT").orElse("true");
        if (!wait.equals("true") && !wait.equals("false")) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                    "waitForVswitchd must be true or false, not '" + wait + "'");
        }
        return new OvsSettings(dbSocket, runDir, Boolean.parseBoolean(wait), Duration.ofSeconds(10),
                Duration.ofSeconds(30));
    }

    private static Optional<String> setting(Function<String, Optional<String>> options, BackendContext context,
            String option, String variable) {
        return options.apply(option).or(() -> context.environment(variable)).filter(value -> !value.isEmpty());
    }
}
