package org.userspacecni.backend.vpp;

import java.util.EnumSet;
import java.util.Set;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.ContainerSide;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.HostSide;
import org.userspacecni.spi.InterfaceType;

/** The ServiceLoader entry of the {@code vpp} engine. */
public final class VppBackendProvider implements DatapathBackendProvider {

    public static final String ENGINE = "vpp";

    @Override
    public String engine() {
        return ENGINE;
    }

    @Override
    public DatapathBackend create(BackendContext context) {
        HostSide host = new VppHostSide(context);
        ContainerSide container = new VppContainerSide(context);
        return new DatapathBackend() {
            @Override
            public Set<InterfaceType> interfaceTypes() {
                return EnumSet.of(InterfaceType.MEMIF, InterfaceType.VHOSTUSER);
            }

            @Override
            public HostSide host() {
                return host;
            }

            @Override
            public ContainerSide container() {
                return container;
            }
        };
    }
}
