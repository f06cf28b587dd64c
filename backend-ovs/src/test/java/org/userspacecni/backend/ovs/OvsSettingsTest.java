package org.userspacecni.backend.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

class OvsSettingsTest {

    private static final String APPLY_VARIABLE = OvsSettings.APPLY_TIMEOUT.variable().orElseThrow();

    @Test
    void ovsVswitchdGetsThirtySecondsToApplyAChangeUnlessToldOtherwise() {
        assertThat(settings(Map.of()).applyTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings(Map.of(APPLY_VARIABLE, "5")).applyTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings(Map.of(APPLY_VARIABLE, "3600")).applyTimeout()).isEqualTo(Duration.ofHours(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "3601", "5s", "99999999999"})
    void anApplyTimeoutThatIsNoNumberOfSecondsIsAConfigurationError(String given) {
        assertThatThrownBy(() -> settings(Map.of(APPLY_VARIABLE, given))).isInstanceOfSatisfying(CniException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NETWORK_CONFIG.code());
                    assertThat(e.getMessage()).isEqualTo("applyTimeout must be a number of seconds from 1 to 3600,"
                            + " not '" + given + "'");
                });
    }

    private static OvsSettings settings(Map<String, String> environment) {
        return OvsSettings.of(new ProgramContext(environment, new CniLog("test", System.err)));
    }
}
