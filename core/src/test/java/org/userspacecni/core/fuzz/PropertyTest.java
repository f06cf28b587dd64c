package org.userspacecni.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A property runs every try, and a failure names the seed that generates the same inputs again. */
class PropertyTest {

    @Test
    void runsEveryTry() {
        List<Integer> seen = new ArrayList<>();
        assertThat(Property.forAll(250, random -> random.nextInt(), seen::add)).isEqualTo(250);
        assertThat(seen).hasSize(250);
    }

    @Test
    void aFailureNamesTheSeedAndTheSeedReproducesTheInputs() {
        Throwable failure = catchThrowable(() -> Property.forAll(100, random -> random.nextInt(10), value -> {
            assertThat(value).isNotEqualTo(7);
        }));
        assertThat(failure).isInstanceOf(AssertionError.class).hasMessageContaining("-D" + Property.SEED + "=");
        String seed = failure.getMessage().replaceAll("(?s).*-D" + Property.SEED + "=(-?\\d+).*", "$1");
        String previous = System.setProperty(Property.SEED, seed);
        try {
            Throwable again = catchThrowable(() -> Property.forAll(100, random -> random.nextInt(10), value -> {
                assertThat(value).isNotEqualTo(7);
            }));
            assertThat(again).hasMessage(failure.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty(Property.SEED);
            } else {
                System.setProperty(Property.SEED, previous);
            }
        }
    }
}
