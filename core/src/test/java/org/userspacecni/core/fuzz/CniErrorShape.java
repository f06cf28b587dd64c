package org.userspacecni.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/** What every refusal of hostile input must look like: a code of the CNI specification and a message. */
public final class CniErrorShape {

    /** The codes the specification defines (0-99), as listed in {@link ErrorCode}. */
    public static final Set<Integer> SPEC_CODES = Arrays.stream(ErrorCode.values()).mapToInt(ErrorCode::code)
            .filter(code -> code < 100).boxed().collect(Collectors.toSet());

    private CniErrorShape() {
    }

    public static void assertWellFormed(CniException error) {
        assertThat(SPEC_CODES).as("code of: " + error.getMessage()).contains(error.code());
        assertThat(error.getMessage()).as("message of a code " + error.code() + " error").isNotBlank();
    }
}
