package org.userspacecni.core.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.userspacecni.spi.CniException;

class CniVersionTest {

    @Test
    void supportsExactlyTheVersionsWhoseResultCanCarryAnInterface() {
        assertThat(CniVersion.supported()).containsExactly("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
        assertThat(CniVersion.LATEST.text()).isEqualTo("1.1.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"})
    void parsesEverySupportedVersion(String text) {
        assertThat(CniVersion.parse(text).text()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.1.0", "0.2.0", "1.2.0", "2.0.0", "1.1", "latest"})
    void refusesOtherVersionsWithCodeOneNamingBoth(String text) {
        assertThatThrownBy(() -> CniVersion.parse(text))
                .isInstanceOfSatisfying(CniException.class, e -> {
                    assertThat(e.code()).isEqualTo(1);
                    assertThat(e.getMessage()).isEqualTo("incompatible CNI versions");
                    assertThat(e.details()).contains("\"" + text + "\"").contains("\"1.1.0\"");
                });
    }

    @Test
    void aMissingVersionMeansZeroOneZeroAsInLibcni() {
        assertThatThrownBy(() -> CniVersion.parse(""))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.details()).contains("\"0.1.0\""));
    }

    @Test
    void ordersVersions() {
        assertThat(CniVersion.V1_0_0.atLeast(CniVersion.V0_4_0)).isTrue();
        assertThat(CniVersion.V0_3_1.atLeast(CniVersion.V0_4_0)).isFalse();
    }
}
