package org.userspacecni.testkit.recording;

import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.SpiVersion;

/** The ServiceLoader entry of the {@code recording} engine. */
public final class RecordingBackendProvider implements DatapathBackendProvider {

    public static final String ENGINE = "recording";

    @Override
    public String engine() {
        return ENGINE;
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public DatapathBackend create(BackendContext context) {
        return new RecordingBackend(context);
    }
}
