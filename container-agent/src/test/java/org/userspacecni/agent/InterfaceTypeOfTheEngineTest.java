package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.ProviderLoader;
import org.userspacecni.spi.BridgeConfig;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostConfig;
import org.userspacecni.testkit.recording.RecordingBackend;
import org.userspacecni.testkit.recording.RecordingBackendProvider;

/**
 * The agent hands an engine's container side only the interface types the engine declares, its own among them;
 * another is error 2 naming the engine's types, and {@code eal-args}, which speaks the built-in types, refuses an
 * engine's own.
 */
class InterfaceTypeOfTheEngineTest {

    @TempDir
    Path dir;

    Agent agent(String iftypes) {
        AgentOptions options = AgentOptions.parse(List.of("--data-dir", dir.resolve("store").toString(), "run"));
        CniLog log = new CniLog("usrsp-agent", System.err);
        return new Agent(AttachmentSource.of(options, log), new AppliedAttachments(dir.resolve("agent"), log),
                BackendRegistry.load(ProviderLoader.of(Agent.class), log),
                new ProgramContext(Map.of(RecordingBackend.DIR_VARIABLE, dir.resolve("datapath").toString(),
                        RecordingBackend.IFTYPES_VARIABLE, iftypes), log), Clock.systemUTC(),
                FilesystemRoot.SYSTEM);
    }

    static ContainerConfig config(String iftype) {
        Side side = new Side(RecordingBackendProvider.ENGINE, InterfaceType.of(iftype), Optional.empty(),
                VhostConfig.EMPTY, MemifConfig.EMPTY, BridgeConfig.EMPTY, Map.of());
        return new ContainerConfig(ContainerConfig.SCHEMA_VERSION, "0123456789abcdef", "net1", "userspace-net", side,
                Map.of(), "0123456789ab-net1", "02:00:00:00:00:01", Optional.empty(), Optional.empty());
    }

    @Test
    void anEnginesOwnTypeReachesItsContainerSide() {
        assertThat(agent("vhostuser,tap").side(config("tap"))).isNotNull();
    }

    @Test
    void aTypeTheEngineDoesNotDeclareIsTwoNamingItsTypes() {
        CniException refused = catchThrowableOfType(CniException.class,
                () -> agent("vhostuser,memif").side(config("tap")));
        assertThat(refused).isNotNull();
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.getMessage()).isEqualTo("container.iftype: 'tap' is not supported by engine 'recording'"
                + " (supported: memif, vhostuser)");
    }

    @Test
    void ealArgsSpeaksTheBuiltInTypesOnly() {
        CniException refused = catchThrowableOfType(CniException.class,
                () -> EalArgs.of(List.of(config("tap")), dir));
        assertThat(refused).isNotNull();
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.getMessage()).contains("eal-args speaks vhostuser and memif, not tap");
    }
}
