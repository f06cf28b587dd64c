package org.userspacecni.spi;

import java.nio.file.Path;

/**
 * The container end of attachments, driven by the agent inside the container: joins the container's own
 * datapath (or a DPDK application) to the socket the host side made. {@code socket} is where that socket
 * is seen in this container (the shared directory's mount joined with {@link ContainerConfig#socket()}).
 * Operations are idempotent.
 */
public interface ContainerSide {

    /** Configures the container's datapath for one attachment and waits until its link is up. */
    void apply(ContainerConfig config, Path socket);

    /** Undoes {@link #apply}; succeeds when it is already gone. */
    void remove(ContainerConfig config);

    /** The link state of an applied attachment, as the datapath reports it ({@code up}, {@code down}...). */
    String linkState(ContainerConfig config);

    /** Whether the container's datapath is running and reachable. */
    DatapathStatus status();
}
