package org.userspacecni.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** A provider runs on an SPI of its own major version and a minor version no older than its own. */
class SpiVersionTest {

    @Test
    void currentIsMajorDotMinor() {
        assertThat(SpiVersion.CURRENT).isEqualTo(SpiVersion.MAJOR + "." + SpiVersion.MINOR);
        assertThat(SpiVersion.runs(SpiVersion.CURRENT)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1.2", "1.3"})
    void aProviderForTheSameOrAnOlderMinorRuns(String builtFor) {
        assertThat(SpiVersion.runs(builtFor, 1, 3)).isTrue();
    }

    @Test
    void aProviderForANewerMinorDoesNot() {
        assertThat(SpiVersion.runs("1.4", 1, 3)).isFalse();
        assertThat(SpiVersion.runs(SpiVersion.MAJOR + "." + (SpiVersion.MINOR + 1))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.9", "2.0", "0.0", "10.0"})
    void aProviderForAnotherMajorDoesNot(String builtFor) {
        assertThat(SpiVersion.runs(builtFor, 1, 3)).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"1", "1.", ".0", "1.0.0", "1.0-SNAPSHOT", "v1.0", " 1.0", "1.x", "1,0", "1.99999999999"})
    void anythingElseDoesNot(String builtFor) {
        assertThat(SpiVersion.runs(builtFor)).isFalse();
        assertThat(SpiVersion.runs(builtFor, 1, 3)).isFalse();
    }
}
