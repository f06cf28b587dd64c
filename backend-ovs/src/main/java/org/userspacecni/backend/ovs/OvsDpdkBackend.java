package org.userspacecni.backend.ovs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.EnumSet;
import java.util.Set;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.ContainerSide;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.HostSide;
import org.userspacecni.spi.InterfaceType;

/** The {@code ovs-dpdk} engine: vhost-user ports on the host's OVS-DPDK, virtio-user ports in the container's. */
final class OvsDpdkBackend implements DatapathBackend {

    private final VhostUserPorts host;
    private final VirtioUserPorts container;

    OvsDpdkBackend(BackendContext context) {
        ObjectMapper mapper = new ObjectMapper();
        this.host = new VhostUserPorts(mapper, context);
        this.container = new VirtioUserPorts(mapper, context);
    }

    @Override
    public Set<InterfaceType> interfaceTypes() {
        return EnumSet.of(InterfaceType.VHOSTUSER);
    }

    @Override
    public HostSide host() {
        return host;
    }

    @Override
    public ContainerSide container() {
        return container;
    }
}
