package org.userspacecni.backend.ovs;

import java.util.List;
import java.util.Set;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.EngineOption;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.SpiVersion;

/**
 * The ServiceLoader entry of the {@code ovs-dpdk} engine: vhost-user ports on the host's OVS-DPDK,
 * virtio-user ports in the container's.
 */
public final class OvsDpdkBackendProvider implements DatapathBackendProvider {

    public static final String ENGINE = "ovs-dpdk";

    @Override
    public String engine() {
        return ENGINE;
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public List<EngineOption> options() {
        return List.of(OvsSettings.DB_SOCKET, OvsSettings.RUN_DIR, OvsSettings.WAIT, OvsSettings.APPLY_TIMEOUT,
                VirtioUserPorts.QUEUES, VirtioUserPorts.QUEUE_SIZE);
    }

    @Override
    public DatapathBackend create(BackendContext context) {
        return DatapathBackend.of(Set.of(InterfaceType.VHOSTUSER), new VhostUserPorts(context),
                new VirtioUserPorts(context));
    }
}
