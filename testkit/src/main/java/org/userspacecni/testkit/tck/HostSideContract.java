package org.userspacecni.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;
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
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifRole;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.PortState;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.Sockets;
import org.userspacecni.spi.VhostMode;
import org.userspacecni.testkit.Neighbour;
import org.userspacecni.testkit.PlacedSockets;

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
 * <p>The neighbour tests run each destructive path (DEL of a never-added attachment, DEL of an attachment added
 * next to it, GC of its network and of another on the same datapath and shared directory, an ADD refused on its
 * fixed socket file, a failed ADD and the DEL after it) next to a live neighbour whose names meet the changed
 * attachment's: a container id that differs only in its last characters, the same interface name, the same
 * socket file. Its socket is live ({@link Neighbour}), and afterwards its port and that very socket are unchanged.
 *
 * <p>Extend it and start the datapath: {@code protected HostDatapath start(Path root)}. Each test uses
 * networks of its own, so the tests share one datapath. The contract runs for the interface type the datapath's
 * host section names, which must be one the engine declares: an engine with several types extends it once per
 * type (a datapath whose {@link HostDatapath#hostSection()} names each).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
public abstract class HostSideContract {

    private static final AtomicInteger NETWORKS = new AtomicInteger();
    private static final String NETWORK_PREFIX = "tck-net-";

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
    void theDatapathsInterfaceTypeIsOneTheEngineDeclares() {
        NetConf net = network();
        try (DatapathBackend backend = backend()) {
            assertThat(backend.interfaceTypes()).as("the interface types engine " + engine + " declares")
                    .contains(net.host().iftype());
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

    /** The engine asks the plugin where its socket goes, and CHECK and DEL find it there, not in {@code sharedDir}. */
    @Test
    void theSocketIsWhereThePluginPlacesIt() {
        NetConf net = network();
        Path placed = root.resolve("placed").resolve(net.name());
        Attachment given = attachment(net, "net1");
        Attachment a = new Attachment(given.id(), given.netns(), Network.of(net), given.mac(), PlacedSockets.in(placed));
        try (DatapathBackend backend = backend()) {
            HostPort port = backend.host().add(a);

            assertThat(Path.of(port.socketPath()).getParent()).as("the socket's directory").isEqualTo(placed);
            backend.host().check(a);
            backend.host().delete(a);
            assertHolds(net);
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

            backend.host().gc(Network.of(net), sockets(net), Set.of(valid));
            assertHolds(net, valid);
            backend.host().gc(Network.of(net), sockets(net), Set.of(valid));
            assertHolds(net, valid);

            backend.host().gc(Network.of(net), sockets(net), Set.of());
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

            backend.host().gc(Network.of(net), sockets(net), Set.of());

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
            assertThat(backend.host().status(Network.of(net)).available()).isTrue();
            datapath.stop();
            try {
                DatapathStatus gone = backend.host().status(Network.of(net));
                assertThat(gone.available()).isFalse();
                assertThat(gone.code()).isIn(ErrorCode.PLUGIN_NOT_AVAILABLE, ErrorCode.LIMITED_CONNECTIVITY);
                assertThat(gone.message()).isNotBlank();
            } finally {
                datapath.restart();
            }
            assertThat(backend.host().status(Network.of(net)).available()).isTrue();
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
                CniException gc = catchThrowableOfType(CniException.class,
                        () -> backend.host().gc(Network.of(net), sockets(net), Set.of()));
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

    // Neighbours: every destructive path runs next to a live attachment that shares the names an engine derives
    // (the first 12 characters of the container id, and far more, the interface name, a fixed socketfile, the
    // shared directory, the datapath); its port and its socket (the same file, still taking connections) survive.

    @Test
    void delOfANeverAddedAttachmentThatSharesEveryNameWithALiveNeighbourLeavesTheNeighbourAlone() {
        for (NetConf net : List.of(network(), networkWithSocketfile("fixed0"))) {
            Attachment neighbour = attachment(net, "net1");
            try (DatapathBackend backend = backend(); Neighbour socket = live(backend, neighbour)) {
                Attachment stranger = sibling(net, neighbour);

                backend.host().delete(stranger);
                backend.host().delete(withoutNetns(stranger));

                assertIntact(backend, socket, neighbour);
                assertHolds(net, neighbour.id());
                backend.host().delete(neighbour);
            }
        }
    }

    @Test
    void anAttachmentAddedNextToANeighbourWithTheSameContainerIdStartGetsItsOwnSocketAndItsDelLeavesTheNeighbour() {
        NetConf net = network();
        Attachment neighbour = attachment(net, "net1");
        Attachment sibling = sibling(net, neighbour);
        try (DatapathBackend backend = backend(); Neighbour socket = live(backend, neighbour)) {
            HostPort port = backend.host().add(sibling);
            assertThat(port.socketPath()).as("the socket of " + sibling.id() + " next to " + neighbour.id())
                    .isNotEqualTo(socket.socket().toString());
            try (Neighbour siblings = live(sibling, port)) {
                assertHolds(net, neighbour.id(), sibling.id());

                backend.host().delete(sibling);

                assertIntact(backend, socket, neighbour);
                assertHolds(net, neighbour.id());
            }
            backend.host().delete(neighbour);
        }
    }

    @Test
    void attachmentsWhoseContainerIdsShareTheirStartBothAddWithSocketsOfTheirOwnAndEachDelLeavesTheOther() {
        NetConf net = network();
        Attachment first = attachment(net, "net1");
        Attachment second = sibling(net, first);
        try (DatapathBackend backend = backend()) {
            HostPort firstPort = backend.host().add(first);
            HostPort secondPort = backend.host().add(second);
            assertThat(secondPort.socketPath()).as("two attachments, one socket path").isNotEqualTo(firstPort.socketPath());
            assertThat(secondPort.name()).as("two attachments, one port name").isNotEqualTo(firstPort.name());
            try (Neighbour firstSocket = live(first, firstPort); Neighbour secondSocket = live(second, secondPort)) {
                assertHolds(net, first.id(), second.id());

                backend.host().delete(first);
                assertIntact(backend, secondSocket, second);
                assertHolds(net, second.id());

                backend.host().delete(second);
                assertHolds(net);
            }
        }
    }

    @Test
    void gcOfTheNetworkKeepsTheValidNeighbourAndItsSocket() {
        NetConf net = network();
        Attachment neighbour = attachment(net, "net1");
        Attachment sibling = sibling(net, neighbour);
        Attachment other = attachment(net, "net2");
        try (DatapathBackend backend = backend(); Neighbour socket = live(backend, neighbour)) {
            try (Neighbour siblings = live(sibling, backend.host().add(sibling))) {
                backend.host().add(other);

                backend.host().gc(Network.of(net), sockets(net), Set.of(neighbour.id()));

                assertIntact(backend, socket, neighbour);
                assertHolds(net, neighbour.id());
            }
            backend.host().delete(neighbour);
        }
    }

    @Test
    void gcOfAnotherNetworkOnTheSameDatapathAndSharedDirectoryLeavesTheNeighbourAlone() {
        NetConf net = network();
        NetConf other = besides(net);
        Attachment neighbour = attachment(net, "net1");
        Attachment namesake = namesake(other, sibling(net, neighbour).id());
        try (DatapathBackend backend = backend(); Neighbour socket = live(backend, neighbour)) {
            HostPort port = backend.host().add(namesake);
            assertThat(port.socketPath()).as("the socket of " + namesake.id() + " in " + other.name())
                    .isNotEqualTo(socket.socket().toString());
            try (Neighbour namesakes = live(namesake, port)) {
                backend.host().gc(Network.of(other), sockets(other), Set.of());

                assertHolds(other);
                assertIntact(backend, socket, neighbour);
                assertHolds(net, neighbour.id());
            }
            backend.host().delete(neighbour);
        }
    }

    /**
     * What the engine reads for the node report, where it tells ({@code portState}, {@code strayPorts}; SPI 2.1):
     * the port ADD made is there and, once deleted, absent; a stray is a marked port of the network that none of the
     * recorded attachments has, never a recorded one, its same-prefix sibling's, another network's (of the same
     * name-derived ids) or the operator's; and reading changes nothing.
     */
    @Test
    void portStateAndStrayPortsReadOnlyWhatTheyNameAndChangeNothing() {
        NetConf net = network();
        NetConf other = besides(net);
        Attachment recorded = attachment(net, "net1");
        Attachment sibling = sibling(net, recorded);
        Attachment namesake = namesake(other, recorded.id());
        String operators = datapath.addOperatorPort("op" + NETWORKS.incrementAndGet());
        try (DatapathBackend backend = backend()) {
            HostPort port = backend.host().add(recorded);
            HostPort stray = backend.host().add(sibling);
            backend.host().add(namesake);

            backend.host().portState(recorded, port).ifPresent(state -> assertThat(state.link())
                    .as("the link of " + recorded.id()).isNotEqualTo(PortState.Link.ABSENT));
            backend.host().strayPorts(Network.of(net), Set.of(recorded.id())).ifPresent(strays -> assertThat(strays)
                    .as("the stray ports of " + net.name() + " beside " + recorded.id()).containsExactly(stray.name()));
            backend.host().strayPorts(Network.of(net), Set.of(recorded.id(), sibling.id())).ifPresent(strays ->
                    assertThat(strays).as("none stray when both are recorded").isEmpty());
            assertHolds(net, recorded.id(), sibling.id());
            assertHolds(other, namesake.id());
            assertThat(datapath.hasOperatorPort(operators)).isTrue();

            backend.host().delete(recorded);
            backend.host().portState(recorded, port).ifPresent(state -> assertThat(state.link())
                    .as("the link of " + recorded.id() + " after DEL").isEqualTo(PortState.Link.ABSENT));
            backend.host().delete(sibling);
            backend.host().delete(namesake);
        }
    }

    @Test
    void anAddWhoseFixedSocketfileIsTheNeighboursIsSevenAndItAndItsDelTouchNothing() {
        NetConf net = networkWithSocketfile("fixed0");
        Attachment neighbour = attachment(net, "net1");
        try (DatapathBackend backend = backend(); Neighbour socket = live(backend, neighbour)) {
            for (Attachment late : List.of(attachment(net, "net1"), sibling(net, neighbour))) {
                CniException refused = catchThrowableOfType(CniException.class, () -> backend.host().add(late));

                assertThat(refused).as("ADD of " + late.id() + " on the socketfile of " + neighbour.id()).isNotNull();
                assertThat(refused.code()).as(refused.getMessage()).isEqualTo(ErrorCode.INVALID_NETWORK_CONFIG.code());
                backend.host().delete(late);
                assertIntact(backend, socket, neighbour);
                assertHolds(net, neighbour.id());
            }
            backend.host().delete(neighbour);
        }
    }

    @Test
    void aFailedAddAndTheDelAfterItLeaveTheNeighbourAlone() {
        Set<String> refusedSections = datapath.refusedHostSections();
        assertThat(refusedSections).as("host sections the engine refuses (HostDatapath#refusedHostSections), the"
                + " failed ADDs this test makes").isNotEmpty();
        NetConf net = network();
        Attachment neighbour = attachment(net, "net1");
        try (DatapathBackend backend = backend(); Neighbour socket = live(backend, neighbour)) {
            for (String section : refusedSections) {
                NetConf refusedNet = network(net.name(), net.sharedDirPath(), section);
                Attachment failing = new Attachment(sibling(net, neighbour).id(), Optional.of("/proc/self/ns/net"),
                        Network.of(refusedNet), BackendUnderTest.mac(NETWORKS.incrementAndGet()), sockets(refusedNet));

                CniException failed = catchThrowableOfType(CniException.class, () -> backend.host().add(failing));
                assertThat(failed).as("ADD with " + section).isNotNull();
                // Whether DEL serves a configuration ADD refused is the engine's choice; what it touches is not.
                Throwable del = catchThrowable(() -> backend.host().delete(failing));
                if (del != null) {
                    assertThat(del).as("DEL after the failed ADD with " + section).isInstanceOf(CniException.class);
                    assertThat(((CniException) del).code()).as(del.getMessage())
                            .isIn(ErrorCode.UNSUPPORTED_FIELD.code(), ErrorCode.INVALID_NETWORK_CONFIG.code());
                }

                assertIntact(backend, socket, neighbour);
                assertHolds(net, neighbour.id());
            }
            backend.host().delete(neighbour);
        }
    }

    /**
     * Adds {@code neighbour} and makes its socket live: the engine's own listening socket where the host end is
     * the server (a server-mode vhost-user host, a memif master), else one bound where the container side would
     * bind it.
     */
    private static Neighbour live(DatapathBackend backend, Attachment neighbour) {
        return live(neighbour, backend.host().add(neighbour));
    }

    private static Neighbour live(Attachment attachment, HostPort port) {
        Path socket = Path.of(port.socketPath());
        return hostEndListens(attachment.host()) ? Neighbour.at(socket) : Neighbour.listenAt(socket);
    }

    /** Whether the host end of such an attachment makes and listens on the socket. */
    private static boolean hostEndListens(Side host) {
        return InterfaceType.MEMIF.equals(host.iftype()) ? host.memif().roleOrDefault() == MemifRole.MASTER
                : host.vhost().modeOrDefault() == VhostMode.SERVER;
    }

    /** The neighbour's port is there as ADD made it, and its socket is the same file, still taking connections. */
    private void assertIntact(DatapathBackend backend, Neighbour socket, Attachment neighbour) {
        assertThat(datapath.holds(neighbour.network().name(), neighbour.id())).as("the port of neighbour "
                + neighbour.id()).isTrue();
        assertThatCode(() -> backend.host().check(neighbour)).as("CHECK of neighbour " + neighbour.id())
                .doesNotThrowAnyException();
        socket.assertUnchanged();
    }

    /**
     * Another attachment of {@code net} with the same interface name whose container id differs from
     * {@code neighbour}'s only in its last 8 characters: whatever an engine derives from the start of the id (the
     * original's 12 characters, a tag's 32) is the same.
     */
    private static Attachment sibling(NetConf net, Attachment neighbour) {
        int n = NETWORKS.incrementAndGet();
        String id = neighbour.id().containerId();
        return new Attachment(new AttachmentId(id.substring(0, id.length() - 8) + String.format("%08x", n),
                neighbour.id().ifName()), Optional.of("/proc/self/ns/net"), Network.of(net), BackendUnderTest.mac(n), sockets(net));
    }

    /** Another network on the same datapath and in the same shared directory as {@code net}. */
    private NetConf besides(NetConf net) {
        return network(NETWORK_PREFIX + NETWORKS.incrementAndGet(), net.sharedDirPath(), datapath.hostSection());
    }

    /** An attachment of {@code other} with the container id and interface name {@code id}, and a MAC of its own. */
    private static Attachment namesake(NetConf other, AttachmentId id) {
        return new Attachment(id, Optional.of("/proc/self/ns/net"), Network.of(other),
                BackendUnderTest.mac(NETWORKS.incrementAndGet()), sockets(other));
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
        String name = NETWORK_PREFIX + NETWORKS.incrementAndGet();
        return network(name, root.resolve("shared").resolve(name), hostSection);
    }

    private static NetConf network(String name, Path sharedDir, String hostSection) {
        return BackendUnderTest.netConf("{\"cniVersion\":\"1.1.0\",\"name\":\"" + name + "\",\"type\":\"userspace\","
                + "\"sharedDir\":\"" + sharedDir + "\",\"host\":" + hostSection + "}");
    }

    /** A network of its own whose host end has the fixed socket file {@code socketfile} ({@code vhost} or {@code memif}). */
    private NetConf networkWithSocketfile(String socketfile) {
        return network(BackendUnderTest.withSocketfile(datapath.hostSection(), socketfile));
    }

    /** An attachment of {@code net} with a container id and MAC address of its own. */
    protected static Attachment attachment(NetConf net, String ifName) {
        int n = NETWORKS.incrementAndGet();
        return new Attachment(new AttachmentId(BackendUnderTest.containerId(net.name() + ifName, n), ifName),
                Optional.of("/proc/self/ns/net"), Network.of(net), BackendUnderTest.mac(n), sockets(net));
    }

    /** Where the plugin places the sockets of {@code net}'s attachments outside a pod: its shared directory. */
    private static Sockets sockets(NetConf net) {
        return PlacedSockets.in(net.sharedDirPath());
    }

    private static Attachment withoutNetns(Attachment a) {
        return new Attachment(a.id(), Optional.empty(), a.network(), a.mac(), a.sockets());
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
