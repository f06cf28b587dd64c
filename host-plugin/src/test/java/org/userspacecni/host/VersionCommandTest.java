package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VERSION lists exactly what the plugin speaks and answers in the version asked for. */
class VersionCommandTest {

    @Test
    void listsExactlyTheSupportedVersions() {
        JsonNode info = new InProcessPlugin().run("VERSION", "{\"cniVersion\":\"1.1.0\"}").json();
        List<String> versions = new ArrayList<>();
        info.path("supportedVersions").forEach(v -> versions.add(v.asText()));
        assertThat(versions).containsExactly("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
    }

    @Test
    void answersInTheVersionAskedFor() {
        assertThat(new InProcessPlugin().run("VERSION", "{\"cniVersion\":\"0.4.0\"}").json().path("cniVersion").asText())
                .isEqualTo("0.4.0");
    }

    @Test
    void answersInTheNewestVersionWhenAskedForNoneOrOneItDoesNotSpeak() {
        for (String stdin : new String[] {"", "{}", "{\"cniVersion\":\"0.2.0\"}", "not json"}) {
            InProcessPlugin.Outcome outcome = new InProcessPlugin().run("VERSION", stdin);
            assertThat(outcome.exitCode()).isZero();
            assertThat(outcome.json().path("cniVersion").asText()).isEqualTo("1.1.0");
        }
    }
}
