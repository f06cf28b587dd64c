package org.userspacecni.backend.vpp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.userspacecni.backend.vpp.api.VppApiClient;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.Side;

/**
 * Where this engine finds VPP: the side's {@code options.apiSocket} in the network configuration, else the
 * environment variable {@code USERSPACE_CNI_VPP_API_SOCKET}, else {@code /run/vpp/api.sock}; and how long
 * one API call may take.
 */
record VppSettings(Path apiSocket, Duration timeout) {

    static final String OPTION = "apiSocket";
    static final String VARIABLE = "USERSPACE_CNI_VPP_API_SOCKET";

    static VppSettings of(Side side, BackendContext context) {
        return of(side.option(OPTION), context);
    }

    /** The settings from the environment and the defaults alone, with no configuration to read options from. */
    static VppSettings of(BackendContext context) {
        return of(Optional.empty(), context);
    }

    private static VppSettings of(Optional<String> option, BackendContext context) {
        return new VppSettings(option.or(() -> context.environment(VARIABLE)).filter(value -> !value.isEmpty())
                .map(Path::of).orElse(VppApiClient.DEFAULT_SOCKET), Duration.ofSeconds(10));
    }

    Vpp open() {
        return Vpp.open(apiSocket, timeout);
    }
}
