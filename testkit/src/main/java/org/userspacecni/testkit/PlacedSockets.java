package org.userspacecni.testkit;

import java.nio.file.Path;
import org.userspacecni.core.SocketPlacement;
import org.userspacecni.spi.Sockets;

/**
 * Where a test's attachments have their sockets: in one directory, placed by the plugin's own placement (the
 * same name rule, length limit and directory preparation), as the plugin places them for an attachment that
 * is not a pod's.
 */
public final class PlacedSockets {

    private PlacedSockets() {
    }

    /** Sockets in {@code sharedDir}, made {@code 0700} (or the request's group's) when a socket is placed. */
    public static Sockets in(Path sharedDir) {
        return SocketPlacement.in(sharedDir);
    }
}
