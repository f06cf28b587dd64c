package org.userspacecni.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.ContainerSide;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.ErrorCode;

/**
 * The contract of a backend's {@link ContainerSide}, checked against the container's datapath: apply joins
 * the container's datapath to the host end and returns once the link is up; apply and remove are
 * idempotent; remove leaves nothing; an unreachable datapath is code 11 on apply and "not available" on
 * STATUS. Every failure is a {@link CniException}.
 *
 * <p>Extend it and start the datapath: {@code protected ContainerDatapath start(Path root)}. The contract runs for
 * the interface type the datapath's container section names, which must be one the engine declares: an engine
 * with several types extends it once per type.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
public abstract class ContainerSideContract {

    private static final AtomicInteger ATTACHMENTS = new AtomicInteger();

    private Path root;
    private ContainerDatapath datapath;
    private String engine;

    /** Starts the container's datapath (and the host end's peer), keeping its files under {@code root}. */
    protected abstract ContainerDatapath start(Path root);

    @BeforeAll
    void startDatapath(@TempDir Path dir) {
        root = dir;
        datapath = start(root.resolve("datapath"));
        engine = BackendUnderTest.engineOf(datapath.containerSection());
    }

    @AfterAll
    void stopDatapath() {
        if (datapath != null) {
            datapath.close();
        }
    }

    @Test
    void theDatapathsInterfaceTypeIsOneTheEngineDeclares() {
        ContainerConfig config = config();
        try (DatapathBackend backend = backend()) {
            assertThat(backend.interfaceTypes()).as("the interface types engine " + engine + " declares")
                    .contains(config.config().iftype());
        }
    }

    @Test
    void applyJoinsTheHostEndAndReturnsWithTheLinkUp() {
        ContainerConfig config = config();
        try (DatapathBackend backend = backend()) {
            datapath.openHostEnd(config.name(), config.id(), socket(config));
            backend.container().apply(config, socket(config));

            assertApplied(config, config);
            assertThat(backend.container().linkState(config)).isEqualTo("up");
            backend.container().remove(config);
            datapath.closeHostEnd(config.name(), config.id());
        }
    }

    @Test
    void applyTwiceIsOneAttachment() {
        ContainerConfig config = config();
        try (DatapathBackend backend = backend()) {
            datapath.openHostEnd(config.name(), config.id(), socket(config));
            backend.container().apply(config, socket(config));
            backend.container().apply(config, socket(config));

            assertApplied(config, config);
            backend.container().remove(config);
            datapath.closeHostEnd(config.name(), config.id());
        }
    }

    @Test
    void removeLeavesNothingAndSucceedsOnWhatIsGone() {
        ContainerConfig config = config();
        try (DatapathBackend backend = backend()) {
            assertThatCode(() -> backend.container().remove(config)).doesNotThrowAnyException();
            datapath.openHostEnd(config.name(), config.id(), socket(config));
            backend.container().apply(config, socket(config));
            backend.container().remove(config);
            backend.container().remove(config);

            assertApplied(config);
            assertThat(backend.container().linkState(config)).isNotEqualTo("up");
            datapath.closeHostEnd(config.name(), config.id());
        }
    }

    @Test
    void aNewProgramRunRemovesWhatAnotherApplied() {
        ContainerConfig config = config();
        datapath.openHostEnd(config.name(), config.id(), socket(config));
        try (DatapathBackend applying = backend()) {
            applying.container().apply(config, socket(config));
        }
        try (DatapathBackend later = backend()) {
            assertThat(later.container().linkState(config)).isEqualTo("up");
            later.container().remove(config);
        }
        assertApplied(config);
        datapath.closeHostEnd(config.name(), config.id());
    }

    @Test
    void statusSaysAvailableWhileTheDatapathRunsAndApplyIsTryAgainLaterWhenItIsGone() {
        ContainerConfig config = config();
        try (DatapathBackend backend = backend()) {
            assertThat(backend.container().status().available()).isTrue();
            datapath.stop();
            try {
                DatapathStatus gone = backend.container().status();
                assertThat(gone.available()).isFalse();
                assertThat(gone.code()).isIn(ErrorCode.PLUGIN_NOT_AVAILABLE, ErrorCode.LIMITED_CONNECTIVITY);
                CniException apply = catchThrowableOfType(CniException.class,
                        () -> backend.container().apply(config, socket(config)));
                assertThat(apply).as("apply while the datapath is unreachable").isNotNull();
                assertThat(apply.code()).as(apply.getMessage()).isEqualTo(ErrorCode.TRY_AGAIN_LATER.code());
            } finally {
                datapath.restart();
            }
            assertThat(backend.container().status().available()).isTrue();
            assertApplied(config);
        }
    }

    /** The container's datapath holds {@code config}'s attachment, or nothing of its network. */
    private void assertApplied(ContainerConfig config, ContainerConfig... applied) {
        assertThat(datapath.applied(config.name())).as("attachments of " + config.name()).isEqualTo(applied.length);
        for (ContainerConfig each : applied) {
            assertThat(datapath.holds(each.name(), each.id())).as(each.id() + " applied").isTrue();
        }
    }

    /** A backend as one run of the agent creates it. */
    protected final DatapathBackend backend() {
        return BackendUnderTest.create(engine, datapath.environment());
    }

    /** The stored configuration of a new attachment, as the host plugin writes it. */
    protected final ContainerConfig config() {
        int n = ATTACHMENTS.incrementAndGet();
        try {
            Files.createDirectories(root.resolve("shared"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String network = "tck-net-" + n;
        String containerId = BackendUnderTest.containerId(network + "net1", n);
        String json = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + network + "\",\"type\":\"userspace\",\"host\":"
                + datapath.containerSection() + "}";
        return new ContainerConfig(ContainerConfig.SCHEMA_VERSION, containerId, "net1", network,
                BackendUnderTest.netConf(json).host(),
                Map.of("cniVersion", "1.1.0", "ips", List.of(Map.of("address", "10.77." + (n / 250) + "." + (n % 250 + 2)
                        + "/16"))), containerId.substring(0, 12) + "-net1",
                BackendUnderTest.mac(n), Optional.empty(), Optional.empty());
    }

    /** Where the attachment's socket is, as the container sees the shared directory. */
    protected final Path socket(ContainerConfig config) {
        return root.resolve("shared").resolve(config.socket());
    }
}
