package org.userspacecni.testkit.recording;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.ContainerSide;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.HostSide;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.PortName;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.SocketCreator;
import org.userspacecni.spi.SocketRequest;
import org.userspacecni.spi.Sockets;

/**
 * A backend whose "switch" is a directory: a port is a file named {@code <containerId>_<ifName>} holding
 * the network name and the socket path, a line each. The socket is named as every engine names it ({@link
 * PortName}, or the configured socket file, which another port's must not be); DEL and GC remove only ports that
 * record their network, and no socket (it is the container side's). Every call is appended to the journal as
 * {@code <operation> <containerId>/<ifName>}.
 */
public final class RecordingBackend implements DatapathBackend, HostSide, ContainerSide {

    /** The directory that holds {@code ports/} and {@code journal}. */
    public static final String DIR_VARIABLE = "RECORDING_BACKEND_DIR";
    /** The operation to fail: add, delete, check, gc, status, apply or remove. */
    public static final String FAIL_VARIABLE = "RECORDING_BACKEND_FAIL";
    /** The interface types the engine claims, comma-separated; vhostuser and memif unless set. */
    public static final String IFTYPES_VARIABLE = "RECORDING_BACKEND_IFTYPES";
    /** The error code of the failure; 5 (I/O) unless set. */
    public static final String FAIL_CODE_VARIABLE = "RECORDING_BACKEND_FAIL_CODE";

    private final Path dir;
    private final Optional<String> failAt;
    private final int failCode;
    private final Set<InterfaceType> interfaceTypes;

    RecordingBackend(BackendContext context) {
        this.dir = Path.of(context.environment(DIR_VARIABLE).orElseThrow(() -> new CniException(
                ErrorCode.INVALID_NETWORK_CONFIG, "the recording engine needs " + DIR_VARIABLE)));
        this.failAt = context.environment(FAIL_VARIABLE);
        this.failCode = context.environment(FAIL_CODE_VARIABLE).map(Integer::parseInt)
                .orElse(ErrorCode.IO_FAILURE.code());
        this.interfaceTypes = context.environment(IFTYPES_VARIABLE)
                .map(types -> Arrays.stream(types.split(",")).map(InterfaceType::of).collect(Collectors.toSet()))
                .orElse(Set.of(InterfaceType.VHOSTUSER, InterfaceType.MEMIF));
    }

    /** The port file of an attachment. */
    public static Path portFile(Path dir, AttachmentId id) {
        return dir.resolve("ports").resolve(id.containerId() + "_" + id.ifName());
    }

    @Override
    public Set<InterfaceType> interfaceTypes() {
        return interfaceTypes;
    }

    @Override
    public HostSide host() {
        return this;
    }

    @Override
    public ContainerSide container() {
        return this;
    }

    @Override
    public HostPort add(Attachment attachment) {
        record("add", attachment.id());
        Path port = portFile(dir, attachment.id());
        Optional<Path> existing = recordedSocket(port, attachment.network().name());
        Path socket = existing.orElseGet(() -> attachment.sockets().place(new SocketRequest(
                freeSocket(attachment).getFileName().toString(), SocketCreator.CONTAINER,
                attachment.host().vhost().group())));
        io(() -> {
            Files.createDirectories(port.getParent());
            Files.writeString(port, attachment.network().name() + "\n" + socket + "\n");
        });
        try {
            failIfAsked("add");
        } catch (CniException e) {
            io(() -> Files.deleteIfExists(port)); // an add that fails leaves nothing, as the SPI asks
            throw e;
        }
        return new HostPort(port.getFileName().toString(), socket.toString(), Optional.of(attachment.mac()),
                attachment.network().mtu());
    }

    /**
     * The attachment's socket: the configured socket file, else the original name and the distinct one
     * ({@link PortName}), the first that no port records and no file occupies; a configured one that is taken is 7.
     */
    private Path freeSocket(Attachment attachment) {
        Side host = attachment.host();
        Optional<String> fixed = InterfaceType.MEMIF.equals(host.iftype()) ? host.memif().socketfile()
                : host.vhost().socketfile();
        List<Path> choices = fixed.map(List::of).orElseGet(() -> List.of(PortName.original(attachment.id()),
                PortName.distinct(attachment.network().name(), attachment.id()))).stream()
                .map(attachment.sockets()::locate).toList();
        Set<Path> recorded = recordedSockets();
        return choices.stream().filter(socket -> !recorded.contains(socket)
                && !Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).findFirst()
                .orElseThrow(() -> new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "recording engine: the sockets "
                        + choices + " of " + attachment.id() + " are another attachment's"));
    }

    /** Removes the attachment's port, if there is one of this network; its socket is the container's. */
    @Override
    public void delete(Attachment attachment) {
        record("delete", attachment.id());
        failIfAsked("delete");
        Path port = portFile(dir, attachment.id());
        if (recordedSocket(port, attachment.network().name()).isPresent()) {
            io(() -> Files.deleteIfExists(port));
        }
    }

    @Override
    public void check(Attachment attachment) {
        record("check", attachment.id());
        failIfAsked("check");
        if (!Files.exists(portFile(dir, attachment.id()))) {
            throw new CniException(ErrorCode.ATTACHMENT_DIFFERS, "no port for " + attachment.id());
        }
    }

    @Override
    public void gc(Network network, Sockets sockets, Set<AttachmentId> valid) {
        record("gc", new AttachmentId("*", "*"));
        failIfAsked("gc");
        Path ports = dir.resolve("ports");
        if (!Files.isDirectory(ports)) {
            return;
        }
        io(() -> {
            try (Stream<Path> files = Files.list(ports)) {
                for (Path port : (Iterable<Path>) files::iterator) {
                    boolean kept = valid.stream().anyMatch(id -> portFile(dir, id).equals(port));
                    boolean ours = recordedSocket(port, network.name()).isPresent();
                    if (ours && !kept) {
                        Files.delete(port);
                    }
                }
            }
        });
    }

    @Override
    public DatapathStatus status(Network network) {
        record("status", new AttachmentId("*", "*"));
        return failAt.filter("status"::equals).isPresent()
                ? DatapathStatus.unavailable("the recording engine was asked to be unavailable")
                : DatapathStatus.up();
    }

    @Override
    public void apply(ContainerConfig config, Path socket) {
        record("apply", config.id());
        failIfAsked("apply");
    }

    @Override
    public String linkState(ContainerConfig config) {
        return "up";
    }

    @Override
    public void remove(ContainerConfig config) {
        record("remove", config.id());
        failIfAsked("remove");
    }

    @Override
    public DatapathStatus status() {
        return DatapathStatus.up();
    }

    /** The socket a port file of {@code network} records, if {@code port} is one. */
    private static Optional<Path> recordedSocket(Path port, String network) {
        try {
            List<String> lines = Files.readAllLines(port, StandardCharsets.UTF_8);
            return lines.size() == 2 && lines.get(0).equals(network) ? Optional.of(Path.of(lines.get(1)))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The sockets every port records. */
    private Set<Path> recordedSockets() {
        Path ports = dir.resolve("ports");
        if (!Files.isDirectory(ports)) {
            return Set.of();
        }
        Set<Path> sockets = new HashSet<>();
        io(() -> {
            try (Stream<Path> files = Files.list(ports)) {
                for (Path port : (Iterable<Path>) files::iterator) {
                    List<String> lines = Files.readAllLines(port, StandardCharsets.UTF_8);
                    if (lines.size() == 2) {
                        sockets.add(Path.of(lines.get(1)));
                    }
                }
            }
        });
        return sockets;
    }

    private void failIfAsked(String operation) {
        if (failAt.filter(operation::equals).isPresent()) {
            throw new CniException(failCode, "recording engine: failing " + operation + " as asked", "", null);
        }
    }

    private void record(String operation, AttachmentId id) {
        io(() -> {
            Files.createDirectories(dir);
            Files.write(dir.resolve("journal"), (operation + " " + id + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        });
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void io(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "recording engine: " + e.getMessage(), e);
        }
    }
}
