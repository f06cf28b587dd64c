package org.userspacecni.backend.vpp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.userspacecni.backend.vpp.sim.VppSimulator;
import org.userspacecni.spi.AttachmentId;

/**
 * A VPP for the backend TCK (the simulator of VPP's API server, as VPP does not run here) that can be
 * stopped and started again on the same API socket, and read by the engine's tags.
 */
final class VppSimulators {

    private final Path apiSocket;
    private VppSimulator vpp;

    VppSimulators(Path apiSocket) {
        this.apiSocket = apiSocket;
        start();
    }

    VppSimulator current() {
        return vpp;
    }

    Path apiSocket() {
        return apiSocket;
    }

    /** How many interfaces carry a tag of {@code network}. */
    int tagged(String network) {
        return (int) vpp.interfaces().stream().filter(i -> i.tag().startsWith(VppTag.ofNetwork(network))).count();
    }

    /** Whether one interface carries the tag of {@code id} in {@code network}. */
    boolean tagged(String network, AttachmentId id) {
        return vpp.interfaces().stream().filter(i -> VppTag.of(network, id).marks(i.tag())).count() == 1;
    }

    /** VPP going away: it keeps nothing, so a restarted one is empty. */
    void stop() {
        vpp.close();
    }

    void start() {
        try {
            vpp = VppSimulator.start(apiSocket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
