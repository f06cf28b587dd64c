package com.example.vhosttap;

import java.nio.file.Path;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.testkit.tck.ContainerDatapath;
import org.userspacecni.testkit.tck.ContainerSideContract;

/**
 * The backend TCK's container-side contract: the EAL argument files in the application's directory
 * ({@link EalDirectory}), each joined to a host end that the engine's own host side opens (a real forwarder on a
 * hugetlbfs of the test's own).
 */
class VhostTapContainerSideContractIT extends ContainerSideContract {

    @Override
    protected ContainerDatapath start(Path root) {
        Hugepages hugepages = Hugepages.mount(root.resolve("huge"));
        Path state = root.resolve("state");
        try {
            return new EalDirectory(root.resolve("eal")) {

                @Override
                public String containerSection() {
                    return "{\"engine\":\"" + VhostTapBackendProvider.ENGINE + "\",\"iftype\":\"vhostuser\","
                            + "\"vhost\":{\"mode\":\"client\"}}";
                }

                @Override
                Attachment hostEnd(String network, AttachmentId id, Path socket) {
                    return Engine.hostEnd(network, id, socket, hugepages.dir(), state);
                }

                @Override
                public void close() {
                    try {
                        super.close();
                    } finally {
                        hugepages.close();
                    }
                }
            };
        } catch (RuntimeException e) {
            hugepages.close();
            throw e;
        }
    }
}
