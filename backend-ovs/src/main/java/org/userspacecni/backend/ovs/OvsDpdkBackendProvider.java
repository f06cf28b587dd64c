package org.userspacecni.backend.ovs;

import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;

/** The ServiceLoader entry of the {@code ovs-dpdk} engine. */
public final class OvsDpdkBackendProvider implements DatapathBackendProvider {

    public static final String ENGINE = "ovs-dpdk";

    @Override
    public String engine() {
        return ENGINE;
    }

    @Override
    public DatapathBackend create(BackendContext context) {
        return new OvsDpdkBackend(context);
    }
}
