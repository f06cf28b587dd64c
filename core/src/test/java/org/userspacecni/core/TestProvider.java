package org.userspacecni.core;

import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.SpiVersion;

/** A provider of {@code engine} that says it was built for {@code spiVersion}; it makes no backend. */
record TestProvider(String engine, String spiVersion) implements DatapathBackendProvider {

    static TestProvider of(String engine) {
        return new TestProvider(engine, SpiVersion.CURRENT);
    }

    @Override
    public DatapathBackend create(BackendContext context) {
        throw new UnsupportedOperationException();
    }
}
