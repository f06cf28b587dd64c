package org.userspacecni.backend.vpp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.EngineOption;
import org.userspacecni.spi.Side;

/** Where this engine finds VPP, and how long one API call may take. */
record VppSettings(Path apiSocket, Duration timeout) {

    static final Path DEFAULT_API_SOCKET = Path.of("/run/vpp/api.sock");
    static final EngineOption API_SOCKET = new EngineOption("apiSocket", EngineOption.BOTH_SECTIONS,
            Optional.of("USERSPACE_CNI_VPP_API_SOCKET"), "`" + DEFAULT_API_SOCKET + "`", "",
            "VPP's binary API socket.");

    static VppSettings of(Side side, BackendContext context) {
        return of(API_SOCKET.value(side, context));
    }

    /** The settings from the environment and the defaults alone, with no configuration to read options from. */
    static VppSettings of(BackendContext context) {
        return of(API_SOCKET.value(context));
    }

    private static VppSettings of(Optional<String> apiSocket) {
        return new VppSettings(apiSocket.map(Path::of).orElse(DEFAULT_API_SOCKET), Duration.ofSeconds(10));
    }

    Vpp open() {
        return Vpp.open(apiSocket, timeout);
    }
}
