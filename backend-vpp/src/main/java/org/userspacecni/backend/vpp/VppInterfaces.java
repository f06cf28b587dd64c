package org.userspacecni.backend.vpp;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.backend.vpp.Vpp.BridgeDomain;
import org.userspacecni.backend.vpp.Vpp.Interface;
import org.userspacecni.backend.vpp.Vpp.Memif;
import org.userspacecni.backend.vpp.Vpp.MemifSpec;
import org.userspacecni.backend.vpp.Vpp.Vhost;
import org.userspacecni.backend.vpp.api.VppApiException;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.MemifRole;
import org.userspacecni.spi.SocketFile;
import org.userspacecni.spi.VhostMode;

/**
 * Makes, finds, checks and removes the interface of one end of an attachment in a VPP, for the host and
 * the container side alike. Adding either completes or undoes every step it took. What is ours is found by
 * its tag alone: a memif socket id is registered for the socket file when it is first needed (reusing one
 * VPP already has for that file) and released once no interface uses it; a bridge domain is deleted only
 * when it carries our mark and has no members left.
 */
final class VppInterfaces {

    /** An address to put on the interface ({@code netType: interface} in the container). */
    record Address(InetAddress address, int prefixLength) {
    }

    private VppInterfaces() {
    }

    /** Adds the interface of {@code plan}, or returns it if it is there already. */
    static Interface add(Vpp vpp, VppPlan plan, Optional<byte[]> mac, List<Address> addresses) {
        return add(vpp, plan, mac, addresses, Optional.empty(), true);
    }

    /**
     * Adds the interface of {@code plan}, or returns it if it is there already; a memif's socket file is
     * registered under {@code socketId} when that id is free (VPP names a memif after it), else under one VPP picks.
     * A missing bridge domain is made with our mark when {@code bridgeDomainOurs}, else without (it stays the
     * operator's, and is never deleted by us; nor by this call's undo, as another may have joined it meanwhile).
     */
    static Interface add(Vpp vpp, VppPlan plan, Optional<byte[]> mac, List<Address> addresses,
            Optional<Integer> socketId, boolean bridgeDomainOurs) {
        vpp.require(plan.iftype());
        List<Interface> existing = vpp.tagged(plan.tag());
        if (!existing.isEmpty()) {
            return existing.get(0);
        }
        Deque<Runnable> undo = new ArrayDeque<>();
        try {
            int swIfIndex = InterfaceType.MEMIF.equals(plan.iftype()) ? addMemif(vpp, plan, mac, socketId, undo)
                    : addVhost(vpp, plan, mac, undo);
            vpp.tag(swIfIndex, plan.tag().value());
            vpp.adminUp(swIfIndex);
            for (Address address : addresses) {
                vpp.addAddress(swIfIndex, address.address(), address.prefixLength());
            }
            if (plan.bridgeDomain().isPresent()) {
                int bridgeDomain = plan.bridgeDomain().get();
                if (vpp.bridgeDomains().stream().noneMatch(bd -> bd.id() == bridgeDomain)) {
                    addBridgeDomain(vpp, bridgeDomain, bridgeDomainOurs, undo);
                }
                vpp.joinBridge(swIfIndex, bridgeDomain);
            }
            if (plan.crossConnect().isPresent()) {
                crossConnect(vpp, plan, swIfIndex);
            }
            return vpp.interfaces().stream().filter(iface -> iface.swIfIndex() == swIfIndex).findFirst()
                    .orElseThrow(() -> new IllegalStateException("VPP lost interface " + swIfIndex));
        } catch (RuntimeException e) {
            while (!undo.isEmpty()) {
                try {
                    undo.pop().run();
                } catch (RuntimeException undoFailure) {
                    e.addSuppressed(undoFailure);
                }
            }
            throw e;
        }
    }

    private static int addMemif(Vpp vpp, VppPlan plan, Optional<byte[]> mac, Optional<Integer> wantedSocketId,
            Deque<Runnable> undo) {
        createDirectory(plan.socket().getParent());
        String socket = plan.socket().toString();
        Map<Integer, String> sockets = vpp.memifSockets();
        Optional<Integer> registered = sockets.entrySet().stream()
                .filter(entry -> entry.getValue().equals(socket)).map(Map.Entry::getKey).findFirst();
        int socketId;
        if (registered.isPresent()) {
            socketId = registered.get();
        } else {
            Optional<Integer> free = wantedSocketId.filter(id -> id != 0 && !sockets.containsKey(id));
            socketId = free.isPresent() ? vpp.addMemifSocket(plan.socket(), free.get())
                    : vpp.addMemifSocket(plan.socket());
            undo.push(() -> releaseSocket(vpp, socketId));
        }
        vpp.memifs().stream().filter(memif -> memif.socketId() == socketId).findFirst().ifPresent(memif -> {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "the memif socket " + socket + " is already used"
                    + " by interface " + memif.swIfIndex() + ": each attachment needs a socket file of its own, since"
                    + " its container end knows it by connection id 0");
        });
        MemifConfig memif = plan.side().memif();
        int swIfIndex = vpp.createMemif(new MemifSpec(memif.roleOrDefault(), memif.mode(), socketId, 0,
                memif.queues().orElse(0), memif.ringSize().orElse(0), memif.bufferSize().orElse(0),
                memif.secret().orElse(""), mac));
        boolean listens = memif.roleOrDefault() == MemifRole.MASTER;
        undo.push(() -> {
            if (listens) {
                deleteSocket(plan.socket());
            }
            vpp.deleteMemif(swIfIndex);
        });
        return swIfIndex;
    }

    private static int addVhost(Vpp vpp, VppPlan plan, Optional<byte[]> mac, Deque<Runnable> undo) {
        createDirectory(plan.socket().getParent());
        boolean server = plan.side().vhost().modeOrDefault() == VhostMode.SERVER;
        int swIfIndex = vpp.createVhost(plan.socket(), server, mac, plan.tag().value());
        undo.push(() -> {
            if (server) {
                deleteSocket(plan.socket());
            }
            vpp.deleteVhost(swIfIndex);
        });
        return swIfIndex;
    }

    private static void addBridgeDomain(Vpp vpp, int bridgeDomain, boolean ours, Deque<Runnable> undo) {
        try {
            vpp.addBridgeDomain(bridgeDomain, ours ? VppTag.CREATED_BRIDGE_DOMAIN : "");
            if (ours) {
                undo.push(() -> deleteIfOursAndEmpty(vpp, bridgeDomain));
            }
        } catch (VppApiException e) {
            if (e.retval() != VppApiException.BD_ALREADY_EXISTS) { // made meanwhile by another ADD: use it
                throw e;
            }
        }
    }

    /** Cross-connects both ways with the other attachment once both exist; the second ADD makes the link. */
    private static void crossConnect(Vpp vpp, VppPlan plan, int swIfIndex) {
        for (Interface peer : vpp.tagged(plan.tag().peer(plan.crossConnect().get()))) {
            vpp.crossConnect(swIfIndex, peer.swIfIndex());
            vpp.crossConnect(peer.swIfIndex(), swIfIndex);
        }
    }

    /**
     * Removes every interface this tag marks, what only it used, and the socket files VPP served for it (a memif
     * master's, a vhost-user server's): the file the interface itself names, and only if it is a socket; the
     * file first, so that an interrupted DEL leaves the interface that names it for the next. Nothing there is
     * fine.
     */
    static void remove(Vpp vpp, VppTag tag) {
        for (Interface iface : vpp.tagged(tag)) {
            remove(vpp, iface);
        }
    }

    static void remove(Vpp vpp, Interface iface) {
        List<BridgeDomain> bridgeDomains = vpp.bridgeDomains().stream()
                .filter(bd -> bd.members().contains(iface.swIfIndex())).toList();
        Optional<Memif> memif = vpp.memifs().stream().filter(m -> m.swIfIndex() == iface.swIfIndex()).findFirst();
        Optional<Vhost> vhost = vpp.vhosts().stream().filter(v -> v.swIfIndex() == iface.swIfIndex()).findFirst();
        if (memif.isPresent()) {
            int socketId = memif.get().socketId();
            Optional<String> socket = Optional.ofNullable(vpp.memifSockets().get(socketId));
            // Only the listening end's file is VPP's to remove, the other is the peer's; and only once no other
            // interface listens on it.
            boolean last = vpp.memifs().stream().allMatch(m -> m.socketId() != socketId
                    || m.swIfIndex() == iface.swIfIndex());
            if (socketId != 0 && last && memif.get().role() == MemifRole.MASTER) {
                socket.map(Path::of).ifPresent(VppInterfaces::deleteSocket);
            }
            vpp.deleteMemif(iface.swIfIndex());
            releaseSocket(vpp, socketId);
        } else if (vhost.isPresent()) {
            if (vhost.get().server()) {
                deleteSocket(Path.of(vhost.get().socket()));
            }
            vpp.deleteVhost(iface.swIfIndex());
        }
        for (BridgeDomain bridgeDomain : bridgeDomains) {
            deleteIfOursAndEmpty(vpp, bridgeDomain.id());
        }
    }

    /** Frees a memif socket id (not VPP's own 0) once no memif interface uses it. */
    private static void releaseSocket(Vpp vpp, int socketId) {
        if (socketId != 0 && vpp.memifs().stream().noneMatch(memif -> memif.socketId() == socketId)) {
            vpp.deleteMemifSocket(socketId);
        }
    }

    /** The socket file an interface names: its memif socket's, or its vhost-user socket. */
    static Optional<String> socketOf(Vpp vpp, Interface iface) {
        Optional<Memif> memif = vpp.memifs().stream().filter(m -> m.swIfIndex() == iface.swIfIndex()).findFirst();
        if (memif.isPresent()) {
            return Optional.ofNullable(vpp.memifSockets().get(memif.get().socketId()));
        }
        return vpp.vhosts().stream().filter(v -> v.swIfIndex() == iface.swIfIndex()).findFirst().map(Vhost::socket);
    }

    /**
     * Who uses the socket file {@code socket}, if anyone: an interface of VPP that names it, or a file that is
     * there (not followed if it is a link).
     */
    static Optional<String> socketUser(Vpp vpp, Path socket) {
        Optional<String> user = interfaceOn(vpp, socket);
        if (user.isEmpty() && SocketFile.exists(socket)) {
            return Optional.of("a file is there");
        }
        return user;
    }

    /** The interface of VPP that names the socket file {@code socket}, if one does. */
    static Optional<String> interfaceOn(Vpp vpp, Path socket) {
        String path = socket.toString();
        Map<Integer, String> memifSockets = vpp.memifSockets();
        return vpp.memifs().stream().filter(m -> path.equals(memifSockets.get(m.socketId())))
                .map(m -> "memif interface " + m.swIfIndex()).findFirst()
                .or(() -> vpp.vhosts().stream().filter(v -> path.equals(v.socket()))
                        .map(v -> "vhost-user interface " + v.swIfIndex()).findFirst());
    }

    private static void deleteIfOursAndEmpty(Vpp vpp, int id) {
        Optional<BridgeDomain> bridgeDomain = vpp.bridgeDomains().stream().filter(bd -> bd.id() == id).findFirst();
        if (bridgeDomain.isPresent() && bridgeDomain.get().tag().equals(VppTag.CREATED_BRIDGE_DOMAIN)
                && bridgeDomain.get().members().isEmpty()) {
            try {
                vpp.deleteBridgeDomain(id);
            } catch (VppApiException e) {
                if (e.retval() != VppApiException.BD_IN_USE) { // joined meanwhile by another ADD: it stays
                    throw e;
                }
            }
        }
    }

    /** What differs between VPP and the plan; empty when the interface is there as planned. */
    static List<String> differences(Vpp vpp, VppPlan plan) {
        vpp.require(plan.iftype());
        List<Interface> tagged = vpp.tagged(plan.tag());
        if (tagged.isEmpty()) {
            return List.of("no interface tagged " + plan.tag() + " in VPP");
        }
        Interface iface = tagged.get(0);
        List<String> differences = new ArrayList<>();
        if (!iface.adminUp()) {
            differences.add(iface.name() + " is admin down");
        }
        if (InterfaceType.MEMIF.equals(plan.iftype())) {
            Optional<Memif> memif = vpp.memifs().stream().filter(m -> m.swIfIndex() == iface.swIfIndex()).findFirst();
            if (memif.isEmpty()) {
                differences.add(iface.name() + " is not a memif interface");
            } else {
                String socket = vpp.memifSockets().get(memif.get().socketId());
                if (!plan.socket().toString().equals(socket)) {
                    differences.add(iface.name() + " uses socket " + socket + ", not " + plan.socket());
                }
                MemifConfig config = plan.side().memif();
                if (memif.get().role() != config.roleOrDefault() || memif.get().mode() != config.mode()) {
                    differences.add(iface.name() + " is a " + memif.get().role() + " in mode " + memif.get().mode()
                            + ", not a " + config.roleOrDefault() + " in mode " + config.mode());
                }
            }
        } else {
            Optional<Vhost> vhost = vpp.vhosts().stream().filter(v -> v.swIfIndex() == iface.swIfIndex()).findFirst();
            boolean server = plan.side().vhost().modeOrDefault() == VhostMode.SERVER;
            if (vhost.isEmpty()) {
                differences.add(iface.name() + " is not a vhost-user interface");
            } else if (!vhost.get().socket().equals(plan.socket().toString()) || vhost.get().server() != server) {
                differences.add(iface.name() + " is on " + vhost.get().socket() + (vhost.get().server() ? " as server"
                        : " as client") + ", not on " + plan.socket() + (server ? " as server" : " as client"));
            }
        }
        plan.bridgeDomain().filter(id -> vpp.bridgeDomains().stream()
                .noneMatch(bd -> bd.id() == id && bd.members().contains(iface.swIfIndex())))
                .ifPresent(id -> differences.add(iface.name() + " is not in bridge domain " + id));
        return differences;
    }

    private static void createDirectory(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot create the socket directory " + directory, e);
        }
    }

    /** Removes {@code file} if it is a socket; a regular file, a directory or a link there is not VPP's. */
    private static void deleteSocket(Path file) {
        SocketFile.removeIfSocket(file);
    }
}
