package org.userspacecni.host;

import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;

/** The {@code future} engine, built for an SPI 3.0 this plugin does not provide; it is never asked for a backend. */
public final class FutureSpiBackendProvider implements DatapathBackendProvider {

    @Override
    public String engine() {
        return "future";
    }

    @Override
    public String spiVersion() {
        return "3.0";
    }

    @Override
    public DatapathBackend create(BackendContext context) {
        throw new AssertionError("a refused provider is not asked for a backend");
    }
}
