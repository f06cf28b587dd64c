package com.example.vhosttap;

import java.util.List;
import java.util.Set;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.EngineOption;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.SpiVersion;

/**
 * The ServiceLoader entry of the {@code vhost-tap} engine and its two interface types: {@code vhostuser}, on the
 * host a DPDK forwarder per attachment between its vhost-user socket and a TAP device of the host's kernel; and
 * its own {@code tap}, a TAP device the host side moves into the container. In the container, the EAL arguments
 * a DPDK application needs to reach either. Construction is free: the programs make one provider per run.
 */
public final class VhostTapBackendProvider implements DatapathBackendProvider {

    public static final String ENGINE = "vhost-tap";

    @Override
    public String engine() {
        return ENGINE;
    }

    /** The SPI this jar was compiled against: the constant's value is copied into this class by javac. */
    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public List<EngineOption> options() {
        return List.of(HostSettings.TESTPMD, HostSettings.HUGEPAGE_DIR, HostSettings.STATE_DIR, HostSettings.CPUS,
                EalArgsFiles.EAL_DIR);
    }

    @Override
    public DatapathBackend create(BackendContext context) {
        return DatapathBackend.of(Set.of(InterfaceType.VHOSTUSER, ContainerTaps.TAP),
                new HostSides(new TapForwarders(context), new ContainerTaps(context.logger())),
                new EalArgsFiles(context));
    }
}
