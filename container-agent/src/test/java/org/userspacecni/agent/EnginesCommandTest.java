package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.userspacecni.spi.SpiVersion;

/** The agent is assembled by Dagger from the same backend registry as the plugin and lists its engines with
 * the SPI version each was built for. */
class EnginesCommandTest {

    @Test
    void listsTheEnginesOnTheClassPath() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Main.run(List.of("engines"), new AgentConsole(new PrintStream(out, true)), System.err);
        assertThat(exit).isZero();
        String built = " built for SPI " + SpiVersion.CURRENT + "\n";
        assertThat(out.toString()).isEqualTo("ovs-dpdk" + built + "recording" + built + "vpp" + built);
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(List.of("fly"), new AgentConsole(new PrintStream(new ByteArrayOutputStream())),
                new PrintStream(err, true));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument at index 0: 'fly'")
                .contains("Usage: usrsp-agent ");
    }
}
