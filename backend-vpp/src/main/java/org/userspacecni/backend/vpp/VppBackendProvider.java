package org.userspacecni.backend.vpp;

import java.util.List;
import java.util.Set;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.EngineOption;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.SpiVersion;

/** The ServiceLoader entry of the {@code vpp} engine. */
public final class VppBackendProvider implements DatapathBackendProvider {

    public static final String ENGINE = "vpp";

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
        return List.of(VppSettings.API_SOCKET, VppPlan.CROSS_CONNECT);
    }

    @Override
    public DatapathBackend create(BackendContext context) {
        return DatapathBackend.of(Set.of(InterfaceType.MEMIF, InterfaceType.VHOSTUSER),
                new VppHostSide(context), new VppContainerSide(context));
    }
}
