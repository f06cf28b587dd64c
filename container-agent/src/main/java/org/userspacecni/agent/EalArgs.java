package org.userspacecni.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.MemifMode;
import org.userspacecni.spi.MemifRole;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostMode;

/**
 * The DPDK EAL device arguments that attach a DPDK application (testpmd, l3fwd, ...) to the stored attachments
 * directly, without a switch in the container (its cores and memory are {@link EalPlacement}'s): a virtio-user
 * frontend per vhost-user socket ({@code server=1} when the container end's vhost mode is server), a
 * {@code net_memif} per memif socket. An interface type of another engine is error 2: only its engine knows what
 * the application joins.
 */
final class EalArgs {

    private EalArgs() {
    }

    static List<String> of(List<ContainerConfig> configs, Path sharedDir) {
        List<String> args = new ArrayList<>();
        int index = 0;
        for (ContainerConfig config : configs) {
            Path socket = sharedDir.resolve(config.socket());
            if (InterfaceType.VHOSTUSER.equals(config.config().iftype())) {
                boolean server = config.config().vhost().modeOrDefault() == VhostMode.SERVER;
                args.add("--vdev=net_virtio_user" + index + ",path=" + socket + ",server=" + (server ? 1 : 0)
                        + ",queues=" + config.config().vhost().queuePairs() + ",queue_size=1024,mac=" + config.mac());
            } else if (InterfaceType.MEMIF.equals(config.config().iftype())) {
                args.add(memif(index, config, socket));
            } else {
                // Another type is its engine's own: that engine tells the application how to reach it.
                throw new CniException(ErrorCode.UNSUPPORTED_FIELD, config.id() + ": eal-args speaks vhostuser and"
                        + " memif, not " + config.config().iftype() + " (engine '" + config.config().engine() + "')");
            }
            index++;
        }
        return args;
    }

    /**
     * The application's own arguments for the queues (testpmd's {@code --rxq}/{@code --txq}, which l3fwd-like
     * applications share): as many as the attachment with the most has, so that every queue is polled.
     */
    static List<String> queueArgs(List<ContainerConfig> configs) {
        int queues = configs.stream().mapToInt(EalArgs::queues).max().orElse(1);
        return List.of("--", "--rxq=" + queues, "--txq=" + queues);
    }

    /** The queue pairs of an attachment: vhost-user's, or memif's per direction. */
    private static int queues(ContainerConfig config) {
        Side side = config.config();
        return InterfaceType.MEMIF.equals(side.iftype()) ? side.memif().queues().orElse(1)
                : side.vhost().queuePairs();
    }

    /**
     * A {@code net_memif} on a socket file ({@code socket-abstract=no}: DPDK's default is the abstract
     * namespace, which VPP does not use), connection id 0 (one attachment per socket file), with the ring
     * settings both ends must share ({@code rsize} is the log2 of the ring size).
     */
    static String memif(int index, ContainerConfig config, Path socket) {
        MemifConfig memif = config.config().memif();
        if (memif.mode() != MemifMode.ETHERNET) {
            throw new CniException(ErrorCode.UNSUPPORTED_FIELD, config.id() + ": DPDK's net_memif speaks only memif"
                    + " mode ethernet, not " + memif.mode().wireName());
        }
        StringBuilder vdev = new StringBuilder("--vdev=net_memif" + index + ",role="
                + (memif.role().filter(MemifRole.MASTER::equals).isPresent() ? "server" : "client") + ",id=0,socket="
                + socket + ",socket-abstract=no,mac=" + config.mac());
        memif.ringSize().ifPresent(size -> vdev.append(",rsize=").append(Integer.numberOfTrailingZeros(size)));
        memif.bufferSize().ifPresent(size -> vdev.append(",bsize=").append(size));
        memif.secret().ifPresent(secret -> vdev.append(",secret=").append(secret));
        return vdev.toString();
    }
}
