package org.userspacecni.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifRole;
import org.userspacecni.spi.VhostMode;

/**
 * The DPDK EAL arguments that attach a DPDK application (testpmd, l3fwd, ...) to the stored attachments
 * directly, without a switch in the container: a virtio-user frontend per vhost-user socket ({@code server=1}
 * when the container end's vhost mode is server), a {@code net_memif} per memif socket.
 */
final class EalArgs {

    private EalArgs() {
    }

    static List<String> of(List<ContainerConfig> configs, Path sharedDir) {
        List<String> args = new ArrayList<>();
        int index = 0;
        for (ContainerConfig config : configs) {
            Path socket = sharedDir.resolve(config.socket());
            if (config.config().iftype() == InterfaceType.VHOSTUSER) {
                boolean server = config.config().vhost().modeOrDefault() == VhostMode.SERVER;
                args.add("--vdev=net_virtio_user" + index + ",path=" + socket + ",server=" + (server ? 1 : 0)
                        + ",queues=1,queue_size=1024,mac=" + config.mac());
            } else {
                boolean server = config.config().memif().role().filter(MemifRole.MASTER::equals).isPresent();
                args.add("--vdev=net_memif" + index + ",role=" + (server ? "server" : "client") + ",socket="
                        + socket + ",mac=" + config.mac());
            }
            index++;
        }
        return args;
    }
}
