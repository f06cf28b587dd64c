package org.userspacecni.spi;

import java.util.Objects;

/**
 * An attachment's host port as its switch shows it now: whether it is there and the container's end connected,
 * and the switch's own counters of it, from the switch's side: received is what came from the container,
 * transmitted what went to it. A counter the switch does not keep is 0; counters only grow while the port lives.
 *
 * @since SPI 2.1
 */
public record PortState(Link link, long rxPackets, long rxBytes, long rxDropped, long rxErrors, long txPackets,
        long txBytes, long txDropped, long txErrors) {

    /** The port's link. */
    public enum Link {
        /** The switch has no port of the attachment. */
        ABSENT,
        /** The port is there; the container's end is not connected (or the switch has it down). */
        DOWN,
        /** The port is there and the container's end is connected. */
        UP
    }

    /** A port the switch does not have. */
    public static final PortState ABSENT = new PortState(Link.ABSENT, 0, 0, 0, 0, 0, 0, 0, 0);

    public PortState {
        Objects.requireNonNull(link, "link");
        if (rxPackets < 0 || rxBytes < 0 || rxDropped < 0 || rxErrors < 0 || txPackets < 0 || txBytes < 0
                || txDropped < 0 || txErrors < 0) {
            throw new IllegalArgumentException("counters are not negative");
        }
    }
}
