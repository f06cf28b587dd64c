package org.userspacecni.backend.vpp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.ConfigDoc;
import org.userspacecni.spi.Side;

/** Where this engine finds VPP, and how long one API call may take. */
record VppSettings(Path apiSocket, Duration timeout) {

    @ConfigDoc(value = "VPP's binary API socket; else the environment variable {VARIABLE}.",
            defaultValue = "{DEFAULT_API_SOCKET}")
    static final String OPTION = "apiSocket";
    static final String VARIABLE = "USERSPACE_CNI_VPP_API_SOCKET";
    static final Path DEFAULT_API_SOCKET = Path.of("/run/vpp/api.sock");

    static VppSettings of(Side side, BackendContext context) {
        return of(side.option(OPTION), context);
    }

    /** The settings from the environment and the defaults alone, with no configuration to read options from. */
    static VppSettings of(BackendContext context) {
        return of(Optional.empty(), context);
    }

    private static VppSettings of(Optional<String> option, BackendContext context) {
        return new VppSettings(option.or(() -> context.environment(VARIABLE)).filter(value -> !value.isEmpty())
                .map(Path::of).orElse(DEFAULT_API_SOCKET), Duration.ofSeconds(10));
    }

    Vpp open() {
        return Vpp.open(apiSocket, timeout);
    }
}
