package org.userspacecni.backend.vpp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.userspacecni.backend.vpp.Vpp.Interface;
import org.userspacecni.backend.vpp.api.VppApiException;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.HostSide;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifRole;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.PortName;
import org.userspacecni.spi.PortState;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.SocketCreator;
import org.userspacecni.spi.SocketFile;
import org.userspacecni.spi.SocketRequest;
import org.userspacecni.spi.Sockets;
import org.userspacecni.spi.VhostMode;

/**
 * The host end of {@code vpp} attachments: a memif (master unless {@code memif.role} says otherwise) or a
 * vhost-user interface (VPP connects as client unless {@code vhost.mode} is {@code server}) on the host's VPP,
 * its socket in the shared directory, admin up, in bridge domain {@code bridgeName} for
 * {@code netType: bridge}. The container's addresses go on the container's end, so {@code netType: interface}
 * leaves the host's interface in L3 mode without one.
 *
 * <p>What is an attachment's is what its {@link VppTag} marks; its socket file is the configured one, or the
 * original name where nothing uses it and the distinct one ({@link PortName}) where something does. Its DEL removes
 * only the interfaces its tag marks, and a socket file only as {@link VppInterfaces#remove} says.
 */
final class VppHostSide implements HostSide {

    /** How VPP names a memif: after its socket id and its id. */
    private static final Pattern MEMIF_NAME = Pattern.compile("memif(\\d{1,10})/\\d+");
    /**
     * The port's note of whose its bridge domain was when ADD joined it: {@link #OURS} (made by an ADD, with our
     * mark) or {@link #OPERATORS}. VPP forgets the mark with the bridge domain when it restarts, so {@link #restore}
     * learns from it whether a bridge domain it makes again is ours (deleted with the last member) or not.
     */
    static final String BRIDGE_DOMAIN_NOTE = "bridgeDomain";
    static final String OURS = "ours";
    static final String OPERATORS = "operator's";

    private final BackendContext context;

    VppHostSide(BackendContext context) {
        this.context = context;
    }

    /** The plan of an attachment on {@code socket}; checks the configuration before anything changes. */
    static VppPlan plan(Attachment attachment, Path socket) {
        return VppPlan.of(attachment.host(), attachment.network().name(), attachment.id(), socket);
    }

    /**
     * The socket files the attachment may have, where the program places them: the configured one, else the
     * original name and the distinct one ({@link PortName}), in the order ADD tries them.
     */
    static List<Path> socketChoices(Attachment attachment) {
        Side host = attachment.host();
        boolean memif = InterfaceType.MEMIF.equals(host.iftype());
        Optional<String> fixed = memif ? host.memif().socketfile() : host.vhost().socketfile();
        Stream<String> names = fixed.isPresent() ? Stream.of(fixed.get()) : Stream.of(
                PortName.original(attachment.id()), PortName.distinct(attachment.network().name(), attachment.id()))
                .map(name -> memif ? VppPlan.memifSocketFile(name) : name);
        return names.map(attachment.sockets()::locate).toList();
    }

    /**
     * The socket file {@code socket} as the program is asked to place it: a memif master (the default) or a
     * vhost-user server binds it in VPP, a memif slave or a vhost-user client (the default) connects to the
     * container's; {@code vhost.group} may reach a vhost-user socket, a memif's stays root's.
     */
    static SocketRequest socketRequest(Attachment attachment, Path socket) {
        Side host = attachment.host();
        boolean vppBinds = InterfaceType.MEMIF.equals(host.iftype()) ? host.memif().roleOrDefault() == MemifRole.MASTER
                : host.vhost().modeOrDefault() == VhostMode.SERVER;
        return new SocketRequest(socket.getFileName().toString(), vppBinds ? SocketCreator.SWITCH
                : SocketCreator.CONTAINER, InterfaceType.VHOSTUSER.equals(host.iftype()) ? host.vhost().group()
                : Optional.empty());
    }

    @Override
    public HostPort add(Attachment attachment) {
        List<Path> choices = socketChoices(attachment);
        plan(attachment, choices.get(0));
        VppTag tag = VppTag.of(attachment.network().name(), attachment.id());
        try (Vpp vpp = VppSettings.of(attachment.host(), context).open()) {
            Optional<Interface> existing = vpp.tagged(tag).stream().findFirst();
            if (existing.isPresent()) {
                return port(vpp, existing.get(), VppInterfaces.socketOf(vpp, existing.get()).orElse(""));
            }
            // The socket itself is VPP's, made in VPP's own mode; the program prepares its directory.
            VppPlan plan = plan(attachment, attachment.sockets().place(socketRequest(attachment,
                    freeSocket(vpp, attachment, choices))));
            Interface iface = VppInterfaces.add(vpp, plan, Optional.empty(), List.of());
            context.logger().log(Level.INFO, "vpp: {0} is {1} on {2}", attachment.id(), iface.name(), plan.socket());
            return port(vpp, iface, plan.socket().toString());
        } catch (VppApiException e) {
            throw VppErrors.of("cannot add the " + attachment.host().iftype() + " interface of " + attachment.id(), e);
        }
    }

    /**
     * The first of the socket choices that nothing uses: no interface of VPP names it and no file is there (VPP
     * would replace a socket it finds). A configured socket file that is taken is the other attachment's, and 7.
     */
    private static Path freeSocket(Vpp vpp, Attachment attachment, List<Path> choices) {
        List<String> taken = new ArrayList<>();
        for (Path socket : choices) {
            Optional<String> user = VppInterfaces.socketUser(vpp, socket);
            if (user.isEmpty()) {
                return socket;
            }
            taken.add(socket + " (" + user.get() + ")");
        }
        throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "vpp: " + attachment.id() + " needs a socket file"
                + " of its own, and " + String.join(" and ", taken) + " is another's: "
                + (choices.size() == 1 ? "give each attachment its own socketfile" : "remove what is not in use"));
    }

    /** The port of {@code iface}, noting whose its bridge domain is ({@link #BRIDGE_DOMAIN_NOTE}). */
    private static HostPort port(Vpp vpp, Interface iface, String socket) {
        Map<String, String> notes = vpp.bridgeDomains().stream()
                .filter(bd -> bd.members().contains(iface.swIfIndex())).findFirst()
                .map(bd -> Map.of(BRIDGE_DOMAIN_NOTE, bd.tag().equals(VppTag.CREATED_BRIDGE_DOMAIN) ? OURS : OPERATORS))
                .orElse(Map.of());
        return new HostPort(iface.name(), socket, Optional.empty(), Optional.empty(), notes);
    }

    @Override
    public void delete(Attachment attachment) {
        try (Vpp vpp = VppSettings.of(attachment.host(), context).open()) {
            VppInterfaces.remove(vpp, VppTag.of(attachment.network().name(), attachment.id()));
        } catch (VppApiException e) {
            throw VppErrors.of("cannot remove the interface of " + attachment.id(), e);
        }
    }

    @Override
    public void check(Attachment attachment) {
        List<Path> choices = socketChoices(attachment);
        List<String> differences;
        try (Vpp vpp = VppSettings.of(attachment.host(), context).open()) {
            // The socket is the one of the choices the interface uses; any other is a difference.
            Path socket = vpp.tagged(VppTag.of(attachment.network().name(), attachment.id())).stream().findFirst()
                    .flatMap(iface -> VppInterfaces.socketOf(vpp, iface)).map(Path::of).filter(choices::contains)
                    .orElse(choices.get(0));
            differences = VppInterfaces.differences(vpp, plan(attachment, socket));
        } catch (VppApiException e) {
            throw VppErrors.of("cannot check the interface of " + attachment.id(), e);
        }
        if (!differences.isEmpty()) {
            throw new CniException(ErrorCode.ATTACHMENT_DIFFERS, "vpp: " + attachment.id() + ": "
                    + String.join("; ", differences));
        }
    }

    /**
     * The tagged interface's link and its counters from {@code show interface}: received is {@code rx packets} and
     * {@code rx bytes}, dropped on receipt {@code drops}, {@code rx-miss} and {@code rx-no-buf} together, receive
     * errors {@code rx-error}; transmitted is {@code tx packets} and {@code tx bytes}, transmit errors {@code
     * tx-error}; VPP counts no transmit drops apart from those. Empty on a VPP that does not answer CLI commands
     * through its API.
     */
    @Override
    public Optional<PortState> portState(Attachment attachment, HostPort port) {
        try (Vpp vpp = VppSettings.of(attachment.host(), context).open()) {
            if (!vpp.showsCounters()) {
                return Optional.empty();
            }
            List<Vpp.Interface> tagged = vpp.tagged(VppTag.of(attachment.network().name(), attachment.id()));
            if (tagged.isEmpty()) {
                return Optional.of(PortState.ABSENT);
            }
            Map<String, Long> counters = vpp.counters(tagged.get(0).name());
            ToLongFunction<String> count = name -> counters.getOrDefault(name, 0L);
            return Optional.of(new PortState(tagged.get(0).linkUp() ? PortState.Link.UP : PortState.Link.DOWN,
                    count.applyAsLong("rx packets"), count.applyAsLong("rx bytes"),
                    count.applyAsLong("drops") + count.applyAsLong("rx-miss") + count.applyAsLong("rx-no-buf"),
                    count.applyAsLong("rx-error"), count.applyAsLong("tx packets"), count.applyAsLong("tx bytes"), 0,
                    count.applyAsLong("tx-error")));
        } catch (VppApiException e) {
            throw VppErrors.of("cannot read the interface of " + attachment.id(), e);
        }
    }

    /**
     * Recreates the interface of an attachment that VPP lost (VPP keeps nothing across a restart) as {@link #add}
     * made it: on the socket file it had, a memif under the socket id its name carries while that id is free (so
     * under the same name), with its tag, admin up, in its bridge domain or cross-connected. A missing bridge domain
     * is made again with our mark only if it had it when ADD joined it (the port's {@link #BRIDGE_DOMAIN_NOTE}); the
     * operator's is made again without, so that it is never deleted by us. An interface the tag marks is left as it
     * is (a difference is 100); a socket file another interface now uses, or a file there that is not a socket, is
     * another's, and 7.
     */
    @Override
    public boolean restore(Attachment attachment, HostPort port) {
        Path socket = Path.of(port.socketPath());
        if (!socketChoices(attachment).contains(socket)) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "vpp: " + attachment.id() + " cannot have had the"
                    + " socket " + socket + " (its choices are " + socketChoices(attachment) + "); left alone");
        }
        VppPlan plan = plan(attachment, socket);
        try (Vpp vpp = VppSettings.of(attachment.host(), context).open()) {
            if (!vpp.tagged(plan.tag()).isEmpty()) {
                List<String> differences = VppInterfaces.differences(vpp, plan);
                if (!differences.isEmpty()) {
                    throw new CniException(ErrorCode.ATTACHMENT_DIFFERS, "vpp: " + attachment.id() + ": "
                            + String.join("; ", differences) + "; left as it is");
                }
                return false;
            }
            Optional<String> user = VppInterfaces.interfaceOn(vpp, socket)
                    .or(() -> SocketFile.exists(socket) && !SocketFile.isSocket(socket)
                            ? Optional.of("a file that is not a socket") : Optional.empty());
            if (user.isPresent()) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "vpp: the socket " + socket + " of "
                        + attachment.id() + " is now used by " + user.get() + ": not recreated");
            }
            attachment.sockets().place(socketRequest(attachment, socket));
            // A port recorded before notes were kept counts as joining the operator's: never marked ours by guess.
            boolean bridgeDomainOurs = OURS.equals(port.notes().get(BRIDGE_DOMAIN_NOTE));
            plan.bridgeDomain()
                    .filter(id -> !bridgeDomainOurs && vpp.bridgeDomains().stream().noneMatch(bd -> bd.id() == id))
                    .ifPresent(id -> context.logger().log(Level.WARNING, "vpp: bridge domain {0} of {1}, which was not"
                            + " made by the plugin, is gone: made again without the plugin''s mark, so it stays the"
                            + " operator''s", id, attachment.id()));
            Interface iface = VppInterfaces.add(vpp, plan, Optional.empty(), List.of(), socketIdOf(port.name()),
                    bridgeDomainOurs);
            context.logger().log(Level.INFO, "vpp: restored {0} as {1} on {2}", attachment.id(), iface.name(), socket);
            return true;
        } catch (VppApiException e) {
            throw VppErrors.of("cannot restore the " + attachment.host().iftype() + " interface of "
                    + attachment.id(), e);
        }
    }

    /**
     * The memif socket id in a memif's name ({@code memif<socket id>/<id>}): a u32, held in an int as the engine's
     * other socket ids are.
     */
    private static Optional<Integer> socketIdOf(String name) {
        Matcher memif = MEMIF_NAME.matcher(name);
        if (!memif.matches() || Long.parseLong(memif.group(1)) > Vpp.ALL) {
            return Optional.empty();
        }
        return Optional.of((int) Long.parseLong(memif.group(1)));
    }

    /**
     * The API socket file's identity (its inode and when it was made): a VPP that starts binds a new one, so the
     * value changes with every start, and reading it asks VPP nothing.
     */
    @Override
    public Optional<String> instance(Network network) {
        Path apiSocket = VppSettings.of(network.host(), context).apiSocket();
        try {
            BasicFileAttributes file = Files.readAttributes(apiSocket, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!file.isOther() || file.fileKey() == null) {
                return Optional.empty();
            }
            return Optional.of(apiSocket + " " + file.fileKey() + " " + file.lastModifiedTime().toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void gc(Network network, Sockets sockets, Set<AttachmentId> valid) {
        try (Vpp vpp = VppSettings.of(network.host(), context).open()) {
            for (Interface iface : stale(vpp, network, valid)) {
                context.logger().log(Level.INFO, "vpp: GC removes {0} ({1})", iface.name(), iface.tag());
                VppInterfaces.remove(vpp, iface);
            }
        } catch (VppApiException e) {
            throw VppErrors.of("cannot collect the interfaces of network " + network.name(), e);
        }
    }

    @Override
    public Optional<List<String>> strayPorts(Network network, Set<AttachmentId> recorded) {
        try (Vpp vpp = VppSettings.of(network.host(), context).open()) {
            return Optional.of(stale(vpp, network, recorded).stream().map(Interface::name).toList());
        } catch (VppApiException e) {
            throw VppErrors.of("cannot list the interfaces of network " + network.name(), e);
        }
    }

    /** The interfaces with the network's tag that may be none of {@code valid}'s. */
    private static List<Interface> stale(Vpp vpp, Network network, Set<AttachmentId> valid) {
        String tag = VppTag.ofNetwork(network.name());
        return vpp.interfaces().stream().filter(iface -> iface.tag().startsWith(tag)
                && valid.stream().noneMatch(id -> VppTag.mayMark(iface.tag(), network.name(), id))).toList();
    }

    @Override
    public DatapathStatus status(Network network) {
        VppSettings settings = VppSettings.of(network.host(), context);
        try (Vpp vpp = settings.open()) {
            vpp.require(network.host().iftype());
            context.logger().log(Level.DEBUG, "vpp: {0} at {1}", vpp.version(), settings.apiSocket());
            return DatapathStatus.up();
        } catch (VppApiException e) {
            return DatapathStatus.unavailable("vpp: " + e.getMessage());
        }
    }
}
