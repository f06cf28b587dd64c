package com.example.vhosttap;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.HostSide;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.Sockets;

/**
 * The host side of the {@code tap} interface type: per attachment a persistent, multi-queue TAP device, named
 * as the attachment's forwarder would be ({@link ForwarderName}), moved into the container's network namespace,
 * where the container's DPDK application opens it with DPDK's {@code net_tap} and the container's kernel sees
 * the other end. No socket, no forwarder, no hugepages. The device's alias is its mark ({@link #mark}): a
 * device is this attachment's only while its alias says so, so DEL, CHECK and GC touch no device without it.
 * A device in the container's namespace goes away with the namespace; DEL removes it before that, GC finds the
 * ones a failed ADD left in the host's namespace.
 */
final class ContainerTaps implements HostSide {

    /** The type's name in {@code iftype}. */
    static final InterfaceType TAP = InterfaceType.of("tap");

    private static final String MARK_PREFIX = "vhost-tap:";
    private static final Path TUN = Path.of("/dev/net/tun");

    private final System.Logger log;

    ContainerTaps(System.Logger log) {
        this.log = log;
    }

    @Override
    public HostPort add(Attachment attachment) {
        String netns = validated(attachment).orElseThrow(() -> new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                "vhost-tap: ADD of " + attachment.id() + " needs the container's network namespace"));
        String name = name(attachment);
        String mark = mark(attachment.network().name(), attachment.id());
        Map<String, String> inContainer = devices(Optional.of(netns));
        if (mark.equals(inContainer.get(name))) {
            return port(name);
        }
        if (inContainer.containsKey(name)) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "vhost-tap: the container already has a device "
                    + name + " that is not the TAP device of " + attachment.id());
        }
        Map<String, String> onHost = devices(Optional.empty());
        if (onHost.containsKey(name) && !mark.equals(onHost.get(name))) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "vhost-tap: the host has a device " + name
                    + " that is not the TAP device of " + attachment.id());
        }
        if (!onHost.containsKey(name)) {
            // multi_queue: DPDK's net_tap opens the device with IFF_MULTI_QUEUE, and refuses one made without it.
            TapDevice.run(List.of("ip", "tuntap", "add", "dev", name, "mode", "tap", "multi_queue"));
        }
        try {
            TapDevice.run(List.of("ip", "link", "set", "dev", name, "alias", mark));
            TapDevice.run(List.of("ip", "link", "set", "dev", name, "netns", netns));
        } catch (CniException e) {
            // Ours to remove: made by this call, or marked by an earlier ADD of this attachment.
            undo(name, e);
            throw e;
        }
        log.log(Level.INFO, "vhost-tap: TAP device {0} of {1} is in {2}", name, attachment.id(), netns);
        return port(name);
    }

    @Override
    public void delete(Attachment attachment) {
        String name = name(attachment);
        String mark = mark(attachment.network().name(), attachment.id());
        Optional<String> netns = attachment.netns().filter(path -> Files.exists(Path.of(path)));
        if (netns.isPresent() && mark.equals(devices(netns).get(name))) {
            TapDevice.run(command(netns, "link", "del", "dev", name));
        }
        if (mark.equals(devices(Optional.empty()).get(name))) {
            TapDevice.run(List.of("ip", "link", "del", "dev", name));
        }
    }

    @Override
    public void check(Attachment attachment) {
        String netns = validated(attachment).orElseThrow(() -> new CniException(ErrorCode.ATTACHMENT_DIFFERS,
                "vhost-tap: CHECK of " + attachment.id() + " needs the container's network namespace"));
        String name = name(attachment);
        Map<String, String> inContainer = devices(Optional.of(netns));
        if (!inContainer.containsKey(name)) {
            throw new CniException(ErrorCode.ATTACHMENT_DIFFERS, "vhost-tap: the TAP device " + name + " of "
                    + attachment.id() + " is not in the container's network namespace " + netns);
        }
        if (!mark(attachment.network().name(), attachment.id()).equals(inContainer.get(name))) {
            throw new CniException(ErrorCode.ATTACHMENT_DIFFERS, "vhost-tap: the device " + name + " in " + netns
                    + " is not marked as the TAP device of " + attachment.id());
        }
    }

    /**
     * Removes the network's TAP devices left in the host's namespace (an ADD that failed before the move) whose
     * attachment is not valid; those in containers' namespaces go with the namespaces.
     */
    @Override
    public void gc(Network network, Sockets sockets, Set<AttachmentId> valid) {
        String networkMark = networkMark(network.name());
        Set<String> kept = valid.stream().map(id -> mark(network.name(), id)).collect(Collectors.toSet());
        devices(Optional.empty()).forEach((name, mark) -> {
            if (mark.startsWith(networkMark) && !kept.contains(mark)) {
                log.log(Level.INFO, "vhost-tap: GC removes TAP device {0}", name);
                TapDevice.run(List.of("ip", "link", "del", "dev", name));
            }
        });
    }

    @Override
    public DatapathStatus status(Network network) {
        return Files.exists(TUN) ? DatapathStatus.up()
                : DatapathStatus.unavailable("vhost-tap: the host has no " + TUN + " (module tun not loaded)");
    }

    @Override
    public boolean takesConcurrentChanges() {
        return true;
    }

    /** The mark of an attachment's device: the engine, then hashes of the network and of the whole attachment. */
    static String mark(String network, AttachmentId id) {
        return networkMark(network) + hash(network + '\0' + id.containerId() + '\0' + id.ifName(), 16);
    }

    private static String networkMark(String network) {
        return MARK_PREFIX + hash(network, 6) + ":";
    }

    private static String hash(String text, int bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)), 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The TAP device's name: the attachment's one name. */
    static String name(Attachment attachment) {
        return ForwarderName.of(attachment.network().name(), attachment.id()).value();
    }

    /** The container's namespace, if the request has one; what the type cannot serve is 2 before anything. */
    private static Optional<String> validated(Attachment attachment) {
        Side host = attachment.host();
        if (host.bridge().bridgeName().isPresent() || host.bridge().vlanId().isPresent()) {
            throw new CniException(ErrorCode.UNSUPPORTED_FIELD, "vhost-tap: iftype tap moves the TAP device into the"
                    + " container, so host.bridge (bridgeName, vlanId) is not supported; use iftype vhostuser");
        }
        return attachment.netns().filter(path -> !path.isEmpty());
    }

    private static HostPort port(String name) {
        return new HostPort(name, "", Optional.empty(), Optional.empty());
    }

    /** Each device of the namespace (this process's when empty) and its alias, empty when it has none. */
    static Map<String, String> devices(Optional<String> netns) {
        Map<String, String> devices = new LinkedHashMap<>();
        for (String line : TapDevice.run(command(netns, "-o", "link", "show")).lines().toList()) {
            String[] fields = line.split(": ", 3);
            if (fields.length < 3) {
                continue;
            }
            String name = fields[1].split("@", 2)[0];
            int alias = line.indexOf("\\    alias ");
            devices.put(name, alias < 0 ? "" : line.substring(alias + "\\    alias ".length()).strip());
        }
        return devices;
    }

    /** An {@code ip} command in the namespace at path {@code netns}, or the host's. */
    private static List<String> command(Optional<String> netns, String... args) {
        List<String> command = new ArrayList<>();
        netns.ifPresent(path -> command.addAll(List.of("nsenter", "--net=" + path)));
        command.add("ip");
        command.addAll(List.of(args));
        return command;
    }

    private void undo(String name, CniException failure) {
        try {
            TapDevice.run(List.of("ip", "link", "del", "dev", name));
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            log.log(Level.WARNING, "vhost-tap: could not remove the TAP device " + name + ": " + e.getMessage());
        }
    }
}
