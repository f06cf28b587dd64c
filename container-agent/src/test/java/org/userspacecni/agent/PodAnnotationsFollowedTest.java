package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.ProviderLoader;
import org.userspacecni.spi.BridgeConfig;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostConfig;
import org.userspacecni.testkit.Await;
import org.userspacecni.testkit.recording.RecordingBackend;
import org.userspacecni.testkit.recording.RecordingBackendProvider;

/**
 * {@code run} follows the pod's annotations as the kubelet updates them (a new copy of the file swapped in by
 * renaming the {@code ..data} symlink): an attachment the host plugin adds is applied, one it takes away is
 * removed; {@code run --once} waits for the annotation, which the kubelet may project only after the container
 * started. The {@code recording} engine journals what the agent asks of the container's datapath.
 */
class PodAnnotationsFollowedTest {

    static final String CONTAINER_ID = "0123456789abcdef";

    @TempDir
    Path dir;
    PodInfoVolume podinfo;
    Path journal;
    Thread running;
    final AtomicReference<Throwable> ended = new AtomicReference<>();

    static ContainerConfig recorded(String ifName) {
        Side side = new Side(RecordingBackendProvider.ENGINE, InterfaceType.VHOSTUSER, Optional.empty(),
                VhostConfig.EMPTY, MemifConfig.EMPTY, BridgeConfig.EMPTY, Map.of());
        return new ContainerConfig(ContainerConfig.SCHEMA_VERSION, CONTAINER_ID, ifName, "userspace-net", side,
                Map.of(), "0123456789ab-" + ifName, "02:00:00:00:00:01", Optional.empty(), Optional.empty());
    }

    @BeforeEach
    void volume() {
        podinfo = new PodInfoVolume(dir.resolve("podinfo"));
        journal = dir.resolve("datapath").resolve("journal");
    }

    @AfterEach
    void stop() throws Exception {
        if (running != null) {
            running.interrupt();
            running.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(running.isAlive()).as("the agent stops when interrupted").isFalse();
        }
    }

    Agent agent() {
        AgentOptions options = AgentOptions.parse(List.of("--podinfo", podinfo.file().toString(), "run"));
        CniLog log = new CniLog("usrsp-agent", System.err);
        return new Agent(AttachmentSource.of(options, log), new AppliedAttachments(dir.resolve("agent"), log),
                BackendRegistry.load(ProviderLoader.of(Agent.class), log),
                new ProgramContext(Map.of(RecordingBackend.DIR_VARIABLE, dir.resolve("datapath").toString()), log),
                Clock.systemUTC(), FilesystemRoot.SYSTEM);
    }

    List<String> journal() {
        try {
            return Files.exists(journal) ? Files.readAllLines(journal) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void awaitJournal(String... lines) {
        Await.until("the journal to be " + List.of(lines), Duration.ofSeconds(20),
                () -> journal().equals(List.of(lines)), () -> "journal: " + journal() + ", agent: " + ended.get());
    }

    @Test
    void runAppliesWhatTheKubeletSwapsInAndRemovesWhatGoes() {
        podinfo.project(Optional.of(dir.resolve("usrspcni")), recorded("net1"));
        Agent agent = agent();
        running = new Thread(() -> {
            try {
                agent.run();
            } catch (Throwable e) {
                ended.set(e);
            }
        }, "usrsp-agent run");
        running.start();
        awaitJournal("apply " + CONTAINER_ID + "/net1");

        podinfo.project(Optional.of(dir.resolve("usrspcni")), recorded("net1"), recorded("net2"));
        awaitJournal("apply " + CONTAINER_ID + "/net1", "apply " + CONTAINER_ID + "/net2");

        podinfo.project(Optional.of(dir.resolve("usrspcni")), recorded("net2"));
        awaitJournal("apply " + CONTAINER_ID + "/net1", "apply " + CONTAINER_ID + "/net2",
                "remove " + CONTAINER_ID + "/net1");

        // A change of another annotation swaps in a new copy too: nothing is applied again.
        podinfo.write(readAnnotations() + "\nzz.example.com/other=\"1\"");
        podinfo.project(Optional.of(dir.resolve("usrspcni")), recorded("net2"), recorded("net3"));
        awaitJournal("apply " + CONTAINER_ID + "/net1", "apply " + CONTAINER_ID + "/net2",
                "remove " + CONTAINER_ID + "/net1", "apply " + CONTAINER_ID + "/net3");
        assertThat(ended.get()).isNull();
    }

    @Test
    void runOnceWaitsForTheAnnotationToBeProjected() throws Exception {
        podinfo.project(Optional.empty());
        CompletableFuture<Boolean> once = CompletableFuture.supplyAsync(() -> {
            try {
                return agent().runOnce(Duration.ofSeconds(30));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Not a wait for a state: time in which an agent that gave up on an empty store would have.
        Thread.sleep(300);
        assertThat(once).isNotDone();
        podinfo.project(Optional.of(dir.resolve("usrspcni")), recorded("net1"));
        assertThat(once.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(journal()).containsExactly("apply " + CONTAINER_ID + "/net1");
    }

    private String readAnnotations() {
        try {
            return Files.readString(podinfo.file());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
