package org.userspacecni.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.SpiVersion;
import org.userspacecni.testkit.recording.RecordingBackendProvider;

/** The recording engine's ServiceLoader entry is in its jar and names a loadable provider. */
class RecordingBackendIsDiscoveredTest {

    @Test
    void serviceLoaderFindsTheRecordingEngine() {
        assertThat(ServiceLoader.load(DatapathBackendProvider.class))
                .anySatisfy(provider -> {
                    assertThat(provider).isInstanceOf(RecordingBackendProvider.class);
                    assertThat(provider.engine()).isEqualTo("recording");
                    assertThat(provider.spiVersion()).isEqualTo(SpiVersion.CURRENT);
                });
    }
}
