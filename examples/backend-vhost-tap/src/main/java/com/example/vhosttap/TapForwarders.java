package com.example.vhosttap;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
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
import org.userspacecni.spi.VhostMode;

/**
 * The host side of {@code vhost-tap}: a {@link Forwarder} per attachment, its TAP device enslaved to
 * {@code host.bridge.bridgeName} when one is given. The host end is always the vhost-user server. The port's
 * name is the TAP device's. Attachments touch only files and devices of their own name, and sockets their
 * {@link SocketClaim} proves are theirs, so ADD and DEL of different attachments run at once. The socket is the
 * configured {@code vhost.socketfile}, else the original name where it is free and the distinct one ({@link
 * PortName}) where it is not; the pid file records which.
 */
final class TapForwarders implements HostSide {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final BackendContext context;
    private final System.Logger log;

    TapForwarders(BackendContext context) {
        this.context = context;
        this.log = context.logger();
    }

    @Override
    public HostPort add(Attachment attachment) {
        List<Forwarder> choices = choices(attachment);
        Forwarder planned = choices.get(0);
        Optional<String> bridge = bridge(attachment.host());
        planned.settings().unusable().ifPresent(reason -> {
            throw new CniException(ErrorCode.TRY_AGAIN_LATER, reason);
        });
        Optional<Forwarder> recorded = recorded(planned);
        if (recorded.filter(Forwarder::running).isPresent()) {
            recorded.get().awaitReady(READY_TIMEOUT);
            bridge.ifPresent(name -> join(recorded.get(), name));
            return port(recorded.get());
        }
        // What a forwarder of this attachment that no longer runs left: its pid file and claim prove it is its.
        recorded.ifPresent(this::remove);
        planned.removeLeftovers();
        Forwarder forwarder = claimed(attachment, choices);
        // The forwarder binds the socket where the program placed it; the program prepares the directory.
        attachment.sockets().place(new SocketRequest(forwarder.socket().getFileName().toString(),
                SocketCreator.SWITCH, attachment.host().vhost().group()));
        try {
            forwarder.start(READY_TIMEOUT);
            bridge.ifPresent(name -> join(forwarder, name));
        } catch (RuntimeException e) {
            undo(forwarder, e);
            throw e;
        }
        log.log(Level.INFO, "vhost-tap: forwarder {0} of {1} serves {2}", forwarder.name(), attachment.id(),
                forwarder.socket());
        return port(forwarder);
    }

    /**
     * The first choice whose socket this forwarder can claim: nobody else's claim and no file there (a
     * container's, another engine's, anyone's: never replaced). A configured socket file that is taken is 7.
     */
    private static Forwarder claimed(Attachment attachment, List<Forwarder> choices) {
        for (Forwarder choice : choices) {
            if (choice.claim().take()) {
                return choice;
            }
        }
        String sockets = choices.stream().map(choice -> choice.socket().toString()).collect(Collectors.joining(
                " and "));
        throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "vhost-tap: " + attachment.id() + " needs a socket"
                + " of its own, and " + sockets + " is another's" + (choices.size() == 1
                        ? ": give each attachment its own vhost.socketfile" : ""));
    }

    @Override
    public void delete(Attachment attachment) {
        Forwarder forwarder;
        try {
            forwarder = Forwarder.of(attachment, HostSettings.of(attachment.host(), context));
        } catch (CniException e) {
            // Without its settings there is no state directory to find the attachment's forwarder in.
            log.log(Level.WARNING, "vhost-tap: nothing to remove for " + attachment.id() + ": " + e.getMessage());
            return;
        }
        remove(recorded(forwarder).orElse(forwarder));
    }

    @Override
    public void check(Attachment attachment) {
        Forwarder planned = choices(attachment).get(0);
        Forwarder forwarder = recorded(planned).orElse(planned);
        AttachmentId id = attachment.id();
        if (!forwarder.running()) {
            throw differs("the forwarder " + forwarder.name() + " of " + id + " is not running");
        }
        if (!forwarder.tap().exists()) {
            throw differs("the TAP device " + forwarder.name() + " of " + id + " is missing");
        }
        if (!Files.exists(forwarder.socket())) {
            throw differs("the socket " + forwarder.socket() + " of " + id + " is missing");
        }
        Optional<String> bridge = attachment.host().bridge().bridgeName();
        Optional<String> master = forwarder.tap().master();
        if (bridge.isPresent() && !bridge.equals(master)) {
            throw differs("the TAP device " + forwarder.name() + " of " + id + " is not on bridge " + bridge.get()
                    + " but on " + master.orElse("none"));
        }
    }

    @Override
    public void gc(Network network, Sockets sockets, Set<AttachmentId> valid) {
        HostSettings settings = HostSettings.of(network.host(), context);
        Set<String> kept = valid.stream().map(id -> ForwarderName.of(network.name(), id).value() + ".pid")
                .collect(Collectors.toSet());
        for (Path pidFile : pidFiles(settings.networkDir(network.name()))) {
            if (!kept.contains(pidFile.getFileName().toString())) {
                Optional<Forwarder> forwarder = Forwarder.recorded(pidFile, network.name(), settings);
                if (forwarder.isPresent()) {
                    log.log(Level.INFO, "vhost-tap: GC removes forwarder {0}", forwarder.get().name());
                    remove(forwarder.get());
                } else {
                    log.log(Level.WARNING, "vhost-tap: GC leaves " + pidFile + ", which is not a forwarder's pid file");
                }
            }
        }
    }

    @Override
    public DatapathStatus status(Network network) {
        Optional<String> unusable = HostSettings.of(network.host(), context).unusable();
        if (unusable.isPresent()) {
            return DatapathStatus.unavailable(unusable.get());
        }
        Optional<String> bridge = network.host().bridge().bridgeName();
        if (bridge.isPresent() && !TapDevice.isBridge(bridge.get())) {
            return DatapathStatus.limited("vhost-tap: there is no Linux bridge " + bridge.get() + " for the TAP"
                    + " devices to join; ADD refuses this network until there is");
        }
        return DatapathStatus.up();
    }

    @Override
    public boolean takesConcurrentChanges() {
        return true;
    }

    /**
     * The attachment's forwarder on each socket it may have, in the order ADD tries them: the configured
     * {@code vhost.socketfile}, else the original name and the distinct one ({@link PortName}), where the program
     * places them; for a configuration this engine serves, 2 or 7 before anything is made.
     */
    private List<Forwarder> choices(Attachment attachment) {
        Side host = attachment.host();
        if (!InterfaceType.VHOSTUSER.equals(host.iftype())) {
            throw new CniException(ErrorCode.UNSUPPORTED_FIELD, "vhost-tap: host.iftype must be vhostuser, not "
                    + host.iftype().name());
        }
        if (host.vhost().mode().filter(VhostMode.CLIENT::equals).isPresent()) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "vhost-tap: the forwarder is the vhost-user"
                    + " server, so host.vhost.mode must be server (or absent), not client");
        }
        if (host.bridge().portVlan().isPresent() || !host.bridge().trunk().isEmpty()
                || host.bridge().vlanMode().isPresent()) {
            throw new CniException(ErrorCode.UNSUPPORTED_FIELD, "vhost-tap: host.bridge's VLANs (vlan, vlanId, trunk,"
                    + " vlanMode) are not supported");
        }
        if (host.policing().isPresent() || !host.mirrors().isEmpty()) {
            throw new CniException(ErrorCode.UNSUPPORTED_FIELD, "vhost-tap: host.policing and host.mirrors are not"
                    + " supported");
        }
        Forwarder forwarder = Forwarder.of(attachment, HostSettings.of(host, context));
        List<Path> sockets = host.vhost().socketfile().isPresent() ? List.of(forwarder.socket())
                : List.of(forwarder.socket(), attachment.sockets().locate(
                        PortName.distinct(attachment.network().name(), attachment.id())));
        for (Path socket : sockets) {
            // The socket path goes into DPDK device arguments, which commas separate.
            if (socket.toString().contains(",")) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "vhost-tap: the socket path " + socket
                        + " must have no ',': change sharedDir or vhost.socketfile");
            }
        }
        return sockets.stream().map(forwarder::on).toList();
    }

    /** The forwarder as its pid file records it, if it has one. */
    private static Optional<Forwarder> recorded(Forwarder forwarder) {
        return Forwarder.recorded(forwarder.pidFile(), forwarder.network(), forwarder.settings());
    }

    /** The bridge the TAP device joins, if any; 7 if it is not a Linux bridge of the host. */
    private static Optional<String> bridge(Side host) {
        Optional<String> bridge = host.bridge().bridgeName();
        bridge.ifPresent(name -> {
            boolean deviceName = name.matches("[^/:\\s]{1,15}") && !name.equals(".") && !name.equals("..");
            if (!deviceName || !TapDevice.isBridge(name)) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "vhost-tap: host.bridge.bridgeName '" + name
                        + "' is not a Linux bridge of this host");
            }
        });
        return bridge;
    }

    /** The port of a forwarder: the TAP device's name and the socket it serves. */
    private static HostPort port(Forwarder forwarder) {
        return new HostPort(forwarder.name().value(), forwarder.socket().toString(), Optional.empty(),
                Optional.empty());
    }

    private static void join(Forwarder forwarder, String bridge) {
        if (!forwarder.tap().master().equals(Optional.of(bridge))) {
            forwarder.tap().join(bridge);
        }
    }

    /** Ends the forwarder, removes its socket if its claim proves it is its, and then what else it left. */
    private void remove(Forwarder forwarder) {
        forwarder.stop();
        forwarder.claim().removeSocket();
        forwarder.removeLeftovers();
    }

    /** Undoes a failed ADD; what the undo itself cannot do is logged, and the ADD's failure is what is reported. */
    private void undo(Forwarder forwarder, RuntimeException failure) {
        try {
            remove(forwarder);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            log.log(Level.WARNING, "vhost-tap: could not undo the forwarder " + forwarder.name() + ": "
                    + e.getMessage());
        }
    }

    private static List<Path> pidFiles(Path networkDir) {
        try (Stream<Path> files = Files.list(networkDir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".pid")).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "vhost-tap: cannot list " + networkDir, e);
        }
    }

    private static CniException differs(String what) {
        return new CniException(ErrorCode.ATTACHMENT_DIFFERS, "vhost-tap: " + what);
    }
}
