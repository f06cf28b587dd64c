package org.userspacecni.backend.ovs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.EnumSet;
import java.util.Set;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.ContainerSide;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.HostSide;
import org.userspacecni.spi.InterfaceType;

/** The {@code ovs-dpdk} engine: vhost-user ports on OVS-DPDK. */
final class OvsDpdkBackend implements DatapathBackend {

    private final VhostUserPorts host;

    OvsDpdkBackend(BackendContext context) {
        this.host = new VhostUserPorts(new ObjectMapper(), context);
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
        return new ContainerSide() {
            @Override
            public void apply(ContainerConfig config) {
                throw notYet();
            }

            @Override
            public void remove(ContainerConfig config) {
                throw notYet();
            }

            @Override
            public DatapathStatus status() {
                return DatapathStatus.unavailable("the ovs-dpdk container side is not implemented yet");
            }
        };
    }

    private static CniException notYet() {
        return new CniException(ErrorCode.INTERNAL, "the ovs-dpdk container side is not implemented yet");
    }
}
