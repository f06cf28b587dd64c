package org.userspacecni.testkit.tck;

import java.nio.file.Path;
import java.util.Map;
import org.userspacecni.spi.AttachmentId;

/**
 * What a backend's {@link ContainerSideContract} needs from its test: the container's datapath (its own
 * switch, or whatever the engine configures inside the container), the host end an attachment joins, and a
 * way to look at the container's datapath that does not go through the backend.
 */
public interface ContainerDatapath extends AutoCloseable {

    /**
     * The {@code container} section of an attachment's stored configuration, as a JSON object: {@code engine},
     * {@code iftype} and the settings the engine needs to reach the container's datapath ({@code options}),
     * with roles and modes already turned round from the host's end, as the host plugin stores them.
     */
    String containerSection();

    /** The environment the agent hands the backend ({@code BackendContext#environment}). */
    default Map<String, String> environment() {
        return Map.of();
    }

    /**
     * Makes the host end of an attachment whose socket is {@code socket}, so that the container end the
     * backend applies comes up: what the host side of the engine (or of a peer engine) would have made.
     */
    void openHostEnd(String network, AttachmentId id, Path socket);

    /** Takes away what {@link #openHostEnd} made. */
    void closeHostEnd(String network, AttachmentId id);

    /** How many attachments of {@code network} the container's datapath holds now, by the engine's marks. */
    int applied(String network);

    /** Whether the container's datapath holds attachment {@code id} of {@code network}, by the engine's marks. */
    boolean holds(String network, AttachmentId id);

    /** Makes the container's datapath unreachable. */
    void stop();

    /** Brings a stopped container datapath back; one that keeps nothing across restarts comes back empty. */
    void restart();

    @Override
    void close();
}
