package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.userspacecni.host.HoldPoints.Step;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/** The failure hook: ADD fails with error 5 at exactly the step named, and nowhere without it. */
class HoldPointsTest {

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private HoldPoints points(Map<String, String> variables) {
        return new HoldPoints(CniEnvironment.of(CniCommand.VERSION, variables),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @Test
    void failsAtTheStepNamedAndOnlyThere() {
        HoldPoints points = points(Map.of(HoldPoints.FAIL_VARIABLE, "port-added"));
        points.reached(Step.JOURNALED);
        points.reached(Step.IPAM_LEASED);
        assertThatThrownBy(() -> points.reached(Step.PORT_ADDED)).isInstanceOfSatisfying(CniException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.IO_FAILURE.code());
                    assertThat(e.getMessage()).isEqualTo("injected failure at port-added");
                });
        points.reached(Step.STORED);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void unsetOrEmptyFailsNowhere() {
        for (Map<String, String> variables : List.of(Map.<String, String>of(), Map.of(HoldPoints.FAIL_VARIABLE, ""))) {
            HoldPoints points = points(variables);
            for (Step step : Step.values()) {
                points.reached(step);
            }
        }
    }
}
