package org.userspacecni.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.userspacecni.spi.NetConf;

/** docs/configuration-reference.md is what the records, their annotations and the engines say today. */
class ConfigurationReferenceTest {

    @Test
    void thePageIsUpToDate() throws Exception {
        assertThat(Files.readString(Path.of("configuration-reference.md")))
                .as("docs/configuration-reference.md differs from the code; regenerate it with: %s",
                        ConfigurationReference.COMMAND)
                .isEqualTo(ConfigurationReference.render());
    }

    @Test
    void defaultsAndLimitsAreReadFromTheConstants() {
        assertThat(ConfigurationReference.render())
                .contains("| `sharedDir` | string | `" + NetConf.DEFAULT_SHARED_DIR + "` |")
                .contains(NetConf.MIN_MTU + " to " + NetConf.MAX_MTU);
    }

    @Test
    void eachEngineFoundThroughServiceLoaderHasItsOptions() {
        assertThat(ConfigurationReference.render())
                .contains("### `ovs-dpdk`", "| `<side>.options.ovsdbSocket` |")
                .contains("### `vpp`", "| `<side>.options.apiSocket` |");
    }
}
