package org.userspacecni.spi;

/**
 * The container end of attachments, driven by the agent inside the container: joins the container's own
 * datapath (or a DPDK application) to the socket the host side made. Operations are idempotent.
 */
public interface ContainerSide {

    /** Configures the container's datapath for one attachment. */
    void apply(ContainerConfig config);

    /** Undoes {@link #apply}; succeeds when it is already gone. */
    void remove(ContainerConfig config);

    /** Whether the container's datapath is running and reachable. */
    DatapathStatus status();
}
