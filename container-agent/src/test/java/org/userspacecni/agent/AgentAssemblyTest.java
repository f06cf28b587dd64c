package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProviderLoader;

/**
 * The agent's component makes its parts from the run's options: the attachments are read where the options say,
 * and the engines are given the agent's environment.
 */
class AgentAssemblyTest {

    @TempDir
    Path dir;

    @Test
    void theAttachmentsAreReadWhereTheOptionsSayAndTheEnginesGetTheEnvironment() {
        AgentOptions options = AgentOptions.parse(List.of("--data-dir", dir.resolve("data").toString(),
                "--state-dir", dir.resolve("state").toString(), "run"));
        AgentComponent agent = DaggerAgentComponent.factory().create(options, new CniLog("test", System.err),
                ProviderLoader.of(AgentAssemblyTest.class), FilesystemRoot.SYSTEM);
        assertThat(agent.source().location()).isEqualTo(dir.resolve("data"));
        assertThat(agent.source().podAnnotations()).isEmpty();
        assertThat(agent.backendContext().environment("PATH")).isEqualTo(Optional.ofNullable(System.getenv("PATH")));
        assertThat(agent.agent().stored()).isEmpty();
    }
}
