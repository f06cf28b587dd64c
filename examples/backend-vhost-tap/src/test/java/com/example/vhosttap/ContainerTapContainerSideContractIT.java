package com.example.vhosttap;

import java.nio.file.Path;
import java.util.Optional;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;
import org.userspacecni.testkit.PlacedSockets;
import org.userspacecni.testkit.tck.ContainerDatapath;
import org.userspacecni.testkit.tck.ContainerSideContract;

/**
 * The backend TCK's container-side contract for the engine's own {@code tap} type: the EAL argument files in the
 * application's directory ({@link EalDirectory}), each naming a TAP device that the engine's own host side moved
 * into this process's network namespace (the "container" here).
 */
class ContainerTapContainerSideContractIT extends ContainerSideContract {

    /** This process's network namespace, where the host side moves the TAP devices. */
    private static final String THIS_NETNS = "/proc/self/ns/net";

    @Override
    protected ContainerDatapath start(Path root) {
        Path sharedDir = root.resolve("shared");
        return new EalDirectory(root.resolve("eal")) {

            @Override
            public String containerSection() {
                return Engine.tapSection("");
            }

            @Override
            Attachment hostEnd(String network, AttachmentId id, Path socket) {
                NetConf net = Engine.network(network, sharedDir, Engine.tapSection(""));
                return new Attachment(id, Optional.of(THIS_NETNS), Network.of(net), "02:00:00:00:00:01",
                        PlacedSockets.in(net.sharedDirPath()));
            }
        };
    }
}
