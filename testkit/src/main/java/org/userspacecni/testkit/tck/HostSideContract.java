package org.userspacecni.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.HostSide;
import org.userspacecni.spi.NetConf;

/**
 * The contract of a backend's {@link HostSide}, checked against the backend's own datapath: ADD makes one
 * port per attachment, marked so that a new program run finds it; ADD, DEL and GC are idempotent; CHECK
 * tells a port as ADD made it from a missing one; GC removes the network's ports that are not valid and
 * nothing else; an unreachable datapath is code 11 on changes and "not available" on STATUS, and leaves
 * nothing behind (GC succeeds instead where it does not need the datapath,
 * {@link HostDatapath#gcNeedsTheDatapath()}); a configuration the engine cannot serve is refused before
 * anything changes; concurrent changes are safe as {@link HostSide#takesConcurrentChanges()} promises. Every
 * failure is a {@link CniException}.
 *
 * <p>Extend it and start the datapath: {@code protected HostDatapath start(Path root)}. Each test uses
 * networks of its own, so the tests share one datapath.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
public abstract class HostSideContract {

    private static final AtomicInteger NETWORKS = new AtomicInteger();

    private Path root;
    private HostDatapath datapath;
    private String engine;

    /** Starts the datapath the contract runs against, keeping its files under {@code root}. */
    protected abstract HostDatapath start(Path root);

    @BeforeAll
    void startDatapath(@TempDir Path dir) {
        root = dir;
        datapath = start(root.resolve("datapath"));
        engine = BackendUnderTest.engineOf(datapath.hostSection());
    }

    @AfterAll
    void stopDatapath() {
        if (datapath != null) {
            datapath.close();
        }
    }

    @Test
    void addMakesOnePortThatTheDatapathShowsWithItsSocketInTheSharedDirectory() {
        NetConf net = network();
        Attachment a = attachment(net, "net1");
        try (DatapathBackend backend = backend()) {
            HostPort port = backend.host().add(a);

            assertThat(port.name()).isNotBlank();
            Path socket = Path.of(port.socketPath());
            assertThat(socket.isAbsolute()).as("socket path is absolute: " + socket).isTrue();
            assertThat(socket.normalize().startsWith(net.sharedDirPath())).as(socket + " in " + net.sharedDirPath())
                    .isTrue();
            assertHolds(net, a.id());
            backend.host().delete(a);
        }
    }

    @Test
    void addTwiceIsOnePortAndTheSameAnswer() {
        NetConf net = network();
        Attachment a = attachment(net, "net1");
        try (DatapathBackend backend = backend()) {
            HostPort first = backend.host().add(a);
            HostPort second = backend.host().add(a);

            assertThat(second.name()).isEqualTo(first.name());
            assertThat(second.socketPath()).isEqualTo(first.socketPath());
            assertHolds(net, a.id());
            backend.host().delete(a);
        }
    }

    @Test
    void aNewProgramRunFindsThePortsAnotherMadeByTheirMarks() {
        NetConf net = network();
        Attachment a = attachment(net, "net1");
        try (DatapathBackend adding = backend()) {
            adding.host().add(a);
        }
        try (DatapathBackend later = backend()) {
            assertThatCode(() -> later.host().check(a)).doesNotThrowAnyException();
            later.host().delete(withoutNetns(a));
        }
        assertHolds(net);
    }

    @Test
    void delRemovesThePortAndItsSocket() {
        NetConf net = network();
        Attachment a = attachment(net, "net1");
        try (DatapathBackend backend = backend()) {
            HostPort port = backend.host().add(a);
            backend.host().delete(a);

            assertHolds(net);
            assertThat(Path.of(port.socketPath())).doesNotExist();
        }
    }

    @Test
    void delSucceedsOnWhatIsGoneOrWasNeverMade() {
        NetConf net = network();
        Attachment a = attachment(net, "net1");
        try (DatapathBackend backend = backend()) {
            assertThatCode(() -> backend.host().delete(a)).doesNotThrowAnyException();
            backend.host().add(a);
            backend.host().delete(a);
            assertThatCode(() -> backend.host().delete(withoutNetns(a))).doesNotThrowAnyException();
            assertHolds(net);
        }
    }

    @Test
    void checkPassesOnAPortAsAddMadeItAndNamesAMissingOne() {
        NetConf net = network();
        Attachment a = attachment(net, "net1");
        try (DatapathBackend backend = backend()) {
            backend.host().add(a);
            assertThatCode(() -> backend.host().check(a)).doesNotThrowAnyException();
            backend.host().delete(a);

            CniException missing = catchThrowableOfType(CniException.class, () -> backend.host().check(a));
            assertThat(missing).as("CHECK of a deleted port fails").isNotNull();
            assertThat(missing.code()).isEqualTo(ErrorCode.ATTACHMENT_DIFFERS.code());
            assertThat(missing.getMessage()).contains(a.id().containerId());
        }
    }

    @Test
    void gcRemovesTheNetworksPortsThatAreNotValidAndKeepsTheValidOnes() {
        NetConf net = network();
        List<Attachment> attachments = Stream.of("net1", "net2", "net3").map(ifName -> attachment(net, ifName)).toList();
        try (DatapathBackend backend = backend()) {
            attachments.forEach(backend.host()::add);
            AttachmentId valid = attachments.get(1).id();

            backend.host().gc(net, Set.of(valid));
            assertHolds(net, valid);
            backend.host().gc(net, Set.of(valid));
            assertHolds(net, valid);

            backend.host().gc(net, Set.of());
            assertHolds(net);
        }
    }

    @Test
    void gcLeavesOtherNetworksAndTheOperatorsPortsAlone() {
        NetConf net = network();
        NetConf other = network();
        Attachment mine = attachment(net, "net1");
        Attachment theirs = attachment(other, "net1");
        String operators = datapath.addOperatorPort("op" + NETWORKS.incrementAndGet());
        try (DatapathBackend backend = backend()) {
            backend.host().add(mine);
            backend.host().add(theirs);

            backend.host().gc(net, Set.of());

            assertHolds(net);
            assertHolds(other, theirs.id());
            assertThat(datapath.hasOperatorPort(operators)).as("the operator's port " + operators).isTrue();
            backend.host().delete(theirs);
        }
    }

    @Test
    void aConfigurationTheEngineCannotServeIsRefusedBeforeAnythingChanges() throws IOException {
        for (String section : datapath.refusedHostSections()) {
            NetConf net = network(section);
            Attachment a = attachment(net, "net1");
            try (DatapathBackend backend = backend()) {
                CniException refused = catchThrowableOfType(CniException.class, () -> backend.host().add(a));

                assertThat(refused).as("ADD with " + section).isNotNull();
                assertThat(refused.code()).as(refused.getMessage())
                        .isIn(ErrorCode.UNSUPPORTED_FIELD.code(), ErrorCode.INVALID_NETWORK_CONFIG.code());
                assertHolds(net);
                assertThat(filesUnder(net.sharedDirPath())).as("files made for " + section).isEmpty();
            }
        }
    }

    @Test
    void statusSaysAvailableWhileTheDatapathRunsAndNotWhenItIsGone() {
        NetConf net = network();
        try (DatapathBackend backend = backend()) {
            assertThat(backend.host().status(net).available()).isTrue();
            datapath.stop();
            try {
                DatapathStatus gone = backend.host().status(net);
                assertThat(gone.available()).isFalse();
                assertThat(gone.code()).isIn(ErrorCode.PLUGIN_NOT_AVAILABLE, ErrorCode.LIMITED_CONNECTIVITY);
                assertThat(gone.message()).isNotBlank();
            } finally {
                datapath.restart();
            }
            assertThat(backend.host().status(net).available()).isTrue();
        }
    }

    @Test
    void anUnreachableDatapathIsTryAgainLaterAndLeavesNothingBehind() {
        NetConf net = network();
        Attachment a = attachment(net, "net1");
        try (DatapathBackend backend = backend()) {
            datapath.stop();
            try {
                CniException add = catchThrowableOfType(CniException.class, () -> backend.host().add(a));
                assertThat(add).as("ADD while the datapath is unreachable").isNotNull();
                assertThat(add.code()).as(add.getMessage()).isEqualTo(ErrorCode.TRY_AGAIN_LATER.code());
                CniException gc = catchThrowableOfType(CniException.class, () -> backend.host().gc(net, Set.of()));
                if (datapath.gcNeedsTheDatapath()) {
                    assertThat(gc).as("GC while the datapath is unreachable").isNotNull();
                    assertThat(gc.code()).as(gc.getMessage()).isEqualTo(ErrorCode.TRY_AGAIN_LATER.code());
                } else {
                    assertThat(gc).as("GC, which does not need the datapath, while it is unreachable").isNull();
                }
            } finally {
                datapath.restart();
            }
            assertHolds(net);
            backend.host().add(a);
            assertHolds(net, a.id());
            backend.host().delete(a);
        }
    }

    @Test
    void parallelChangesAreSafeAsTheEnginePromises() throws Exception {
        NetConf net = network();
        List<Attachment> attachments = IntStream.range(0, 8).mapToObj(i -> attachment(net, "net" + i)).toList();
        try (DatapathBackend backend = backend()) {
            inParallel(attachments, a -> guarded(backend, () -> backend.host().add(a)));
            assertHolds(net, attachments.stream().map(Attachment::id).toArray(AttachmentId[]::new));
            inParallel(attachments, a -> guarded(backend, () -> backend.host().delete(a)));
            assertHolds(net);
        }
    }

    /** The datapath holds ports of {@code net} for exactly these attachments. */
    private void assertHolds(NetConf net, AttachmentId... ids) {
        assertThat(datapath.ports(net.name())).as("ports of " + net.name()).isEqualTo(ids.length);
        for (AttachmentId id : ids) {
            assertThat(datapath.holds(net.name(), id)).as("a port of " + id + " in " + net.name()).isTrue();
        }
    }

    /** A backend as one program run creates it. */
    protected final DatapathBackend backend() {
        return BackendUnderTest.create(engine, datapath.environment());
    }

    /** A network of its own for one test, with its own shared directory. */
    protected final NetConf network() {
        return network(datapath.hostSection());
    }

    private NetConf network(String hostSection) {
        String name = "tck-net-" + NETWORKS.incrementAndGet();
        return BackendUnderTest.netConf("{\"cniVersion\":\"1.1.0\",\"name\":\"" + name + "\",\"type\":\"userspace\","
                + "\"sharedDir\":\"" + root.resolve("shared").resolve(name) + "\",\"host\":" + hostSection + "}");
    }

    /** An attachment of {@code net} with a container id and MAC address of its own. */
    protected static Attachment attachment(NetConf net, String ifName) {
        int n = NETWORKS.incrementAndGet();
        return new Attachment(new AttachmentId(BackendUnderTest.containerId(net.name() + ifName, n), ifName),
                Optional.of("/proc/self/ns/net"), net, BackendUnderTest.mac(n));
    }

    private static Attachment withoutNetns(Attachment a) {
        return new Attachment(a.id(), Optional.empty(), a.netConf(), a.mac());
    }

    private static Set<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return Set.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(path -> !Files.isDirectory(path)).collect(Collectors.toSet());
        }
    }

    /** The plugin holds its lock around a change unless the engine takes concurrent ones; so does this test. */
    private static void guarded(DatapathBackend backend, Runnable change) {
        if (backend.host().takesConcurrentChanges()) {
            change.run();
        } else {
            synchronized (HostSideContract.class) {
                change.run();
            }
        }
    }

    private static void inParallel(List<Attachment> attachments, Consumer<Attachment> change)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(attachments.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Attachment a : attachments) {
                done.add(pool.submit(() -> change.accept(a)));
            }
            for (Future<?> each : done) {
                each.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
