package com.example.vhosttap;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.ContainerSide;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.EngineOption;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.InterfaceType;

/**
 * The container side of {@code vhost-tap}, for a DPDK application that the agent cannot configure itself: per
 * attachment a file {@code <ealDir>/<network>/<ifName>.args} of the EAL arguments, one a line, that join the
 * application to the attachment's socket as a virtio-user frontend, and the application reads them when it
 * starts. The host's forwarder always serves the socket, so the frontend is always the client ({@code server=0}),
 * whatever vhost mode the stored configuration carries. For {@code iftype: tap} the file names the TAP device
 * the host side moved into this namespace, for DPDK's {@code net_tap}, and apply waits for that device instead.
 *
 * <p>The EAL directory is the option {@link #EAL_DIR}: the container section's {@code ealDir}, else its variable
 * (which the agent sets from {@code --engine-option vhost-tap.ealDir=DIR}), else
 * {@code /run/vhost-tap/eal}; it is the application's, shared with the agent, and this side never makes it.
 * STATUS, which has no configuration to read, looks at the variable's directory or the default.
 */
final class EalArgsFiles implements ContainerSide {

    static final Path DEFAULT_EAL_DIR = Path.of("/run/vhost-tap/eal");
    static final EngineOption EAL_DIR = new EngineOption("ealDir", Set.of(EngineOption.Section.CONTAINER),
            Optional.of("USERSPACE_CNI_VHOST_TAP_EAL_DIR"), "`" + DEFAULT_EAL_DIR + "`", "an absolute path",
            "Where the container side writes each attachment's EAL arguments for the DPDK application.");
    static final int QUEUE_SIZE = 1024;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(50);

    private final BackendContext context;
    private final System.Logger log;

    EalArgsFiles(BackendContext context) {
        this.context = context;
        this.log = context.logger();
    }

    @Override
    public void apply(ContainerConfig config, Path socket) {
        Path file = file(config);
        String vdev = vdev(config, socket);
        Path ealDir = file.getParent().getParent();
        unusable(ealDir).ifPresent(reason -> {
            throw new CniException(ErrorCode.TRY_AGAIN_LATER, reason);
        });
        write(file, vdev);
        if (ContainerTaps.TAP.equals(config.config().iftype())) {
            if (!await(() -> tapHere(config))) {
                remove(config);
                throw new CniException(ErrorCode.TRY_AGAIN_LATER, "vhost-tap: the TAP device "
                        + ForwarderName.of(config.name(), config.id()) + " of " + config.id() + " did not appear in"
                        + " this network namespace within " + CONNECT_TIMEOUT.toSeconds() + " s");
            }
        } else if (!await(() -> accepts(socket))) {
            remove(config);
            throw new CniException(ErrorCode.TRY_AGAIN_LATER, "vhost-tap: nothing accepted a connection on " + socket
                    + " within " + CONNECT_TIMEOUT.toSeconds() + " s: is the host's forwarder of " + config.id()
                    + " running?");
        }
        log.log(Level.INFO, "vhost-tap: {0} written for {1}", file, config.id());
    }

    @Override
    public void remove(ContainerConfig config) {
        Path file = file(config);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "vhost-tap: cannot remove " + file, e);
        }
        try {
            Files.deleteIfExists(file.getParent());
        } catch (IOException e) {
            // Other attachments of the network are there.
        }
    }

    @Override
    public String linkState(ContainerConfig config) {
        Path file = file(config);
        if (!Files.exists(file)) {
            return "absent";
        }
        if (ContainerTaps.TAP.equals(config.config().iftype())) {
            return tapHere(config) ? "up" : "down";
        }
        return socketIn(file).filter(EalArgsFiles::accepts).isPresent() ? "up" : "down";
    }

    @Override
    public DatapathStatus status() {
        return unusable(ealDir(EAL_DIR.value(context))).map(DatapathStatus::unavailable).orElse(DatapathStatus.up());
    }

    /**
     * The virtio-user frontend, in the shape of the agent's EAL arguments; the device is named after the
     * interface, not numbered, so that the files of several attachments can be given to one application.
     */
    static String vdev(ContainerConfig config, Path socket) {
        String device = config.ifName().replaceAll("[^A-Za-z0-9]", "_");
        if (ContainerTaps.TAP.equals(config.config().iftype())) {
            // The host side moved the attachment's TAP device into this namespace under the attachment's name.
            return "--vdev=net_tap_" + device + ",iface=" + ForwarderName.of(config.name(), config.id());
        }
        if (!InterfaceType.VHOSTUSER.equals(config.config().iftype())) {
            throw new CniException(ErrorCode.UNSUPPORTED_FIELD, "vhost-tap: container iftype must be vhostuser or"
                    + " tap, not " + config.config().iftype().name());
        }
        if (socket.toString().contains(",")) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "vhost-tap: the socket path " + socket
                    + " must have no ',' (it goes into DPDK device arguments)");
        }
        return "--vdev=net_virtio_user_" + device + ",path=" + socket
                + ",server=0,queues=1,queue_size=" + QUEUE_SIZE + ",mac=" + config.mac();
    }

    private Path file(ContainerConfig config) {
        String ifName = config.ifName();
        if (ifName.isEmpty() || ifName.contains("/") || ifName.indexOf('\0') >= 0 || ifName.equals(".")
                || ifName.equals("..")) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "vhost-tap: '" + ifName
                    + "' cannot name a file");
        }
        return ealDir(EAL_DIR.value(config.config(), context)).resolve(config.name()).resolve(ifName + ".args");
    }

    private static Path ealDir(Optional<String> dir) {
        if (dir.isPresent() && (!dir.get().startsWith("/") || dir.get().indexOf('\0') >= 0)) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "vhost-tap: the EAL directory must be an"
                    + " absolute path, not '" + dir.get() + "'");
        }
        return dir.map(Path::of).orElse(DEFAULT_EAL_DIR);
    }

    /** Why the application's EAL directory cannot take files now, if it cannot. */
    private static Optional<String> unusable(Path ealDir) {
        if (!Files.isDirectory(ealDir) || !Files.isWritable(ealDir)) {
            return Optional.of("vhost-tap: the EAL directory " + ealDir + " is not there or not writable (is the"
                    + " application's volume mounted?)");
        }
        return Optional.empty();
    }

    /** Writes the file whole: the application never reads half of it. */
    private static void write(Path file, String vdev) {
        try {
            try {
                Files.createDirectory(file.getParent());
            } catch (FileAlreadyExistsException e) {
                // Another attachment of the network made it.
            }
            Path partial = file.resolveSibling(file.getFileName() + ".new");
            Files.writeString(partial, vdev + "\n", StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "vhost-tap: cannot write " + file, e);
        }
    }

    private static Optional<Path> socketIn(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .flatMap(line -> Arrays.stream(line.split(","))).filter(arg -> arg.startsWith("path="))
                    .map(arg -> Path.of(arg.substring("path=".length()))).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether the attachment's TAP device, marked as its, is in this process's network namespace. */
    private static boolean tapHere(ContainerConfig config) {
        String name = ForwarderName.of(config.name(), config.id()).value();
        return ContainerTaps.mark(config.name(), config.id()).equals(ContainerTaps.devices(Optional.empty())
                .get(name));
    }

    /** Polls {@code ready} until it holds or {@link #CONNECT_TIMEOUT} passes. */
    private static boolean await(BooleanSupplier ready) {
        long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Whether a listener accepts a connection on {@code socket}; the connection is closed at once. */
    private static boolean accepts(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
