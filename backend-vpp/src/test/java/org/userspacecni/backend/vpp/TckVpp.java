package org.userspacecni.backend.vpp;

import java.nio.file.Path;
import org.userspacecni.backend.vpp.real.RealVpp;
import org.userspacecni.spi.AttachmentId;

/** A real VPP for the backend TCK that can be stopped and started again on the same API socket, read by the engine's tags. */
final class TckVpp {

    private final RealVpp vpp;

    TckVpp(Path dir) {
        vpp = RealVpp.start(dir);
    }

    RealVpp current() {
        return vpp;
    }

    Path apiSocket() {
        return vpp.apiSocket();
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
        vpp.stop();
    }

    void start() {
        vpp.start();
    }
}
