package org.userspacecni.backend.vpp;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.PortName;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.SocketDirectory;

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

    private final BackendContext context;

    VppHostSide(BackendContext context) {
        this.context = context;
    }

    /** The plan of an attachment on {@code socket}; checks the configuration before anything changes. */
    static VppPlan plan(Attachment attachment, Path socket) {
        return VppPlan.of(attachment.host(), attachment.netConf().name(), attachment.id(), socket);
    }

    /**
     * The socket files the attachment may have: the configured one, else the original name and the distinct one
     * ({@link PortName}), in the order ADD tries them.
     */
    static List<Path> socketChoices(Attachment attachment) {
        Path sharedDir = attachment.netConf().sharedDirPath();
        Side host = attachment.host();
        boolean memif = host.iftype() == InterfaceType.MEMIF;
        Optional<String> fixed = memif ? host.memif().socketfile() : host.vhost().socketfile();
        if (fixed.isPresent()) {
            return List.of(sharedDir.resolve(fixed.get()));
        }
        return Stream.of(PortName.original(attachment.id()), PortName.distinct(attachment.netConf().name(),
                attachment.id())).map(name -> sharedDir.resolve(memif ? VppPlan.memifSocketFile(name) : name))
                .toList();
    }

    @Override
    public HostPort add(Attachment attachment) {
        List<Path> choices = socketChoices(attachment);
        plan(attachment, choices.get(0));
        VppTag tag = VppTag.of(attachment.netConf().name(), attachment.id());
        try (Vpp vpp = VppSettings.of(attachment.host(), context).open()) {
            Optional<Interface> existing = vpp.tagged(tag).stream().findFirst();
            if (existing.isPresent()) {
                return port(existing.get(), VppInterfaces.socketOf(vpp, existing.get()).orElse(""));
            }
            VppPlan plan = plan(attachment, freeSocket(vpp, attachment, choices));
            // The socket itself is VPP's, made in VPP's own mode.
            SocketDirectory.prepare(plan.socket().getParent(), group(attachment));
            Interface iface = VppInterfaces.add(vpp, plan, Optional.empty(), List.of());
            context.logger().log(Level.INFO, "vpp: {0} is {1} on {2}", attachment.id(), iface.name(), plan.socket());
            return port(iface, plan.socket().toString());
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

    private static HostPort port(Interface iface, String socket) {
        return new HostPort(iface.name(), socket, Optional.empty(), Optional.empty());
    }

    /** {@code vhost.group} for a vhost-user attachment; a memif's directory stays root's. */
    private static Optional<String> group(Attachment attachment) {
        return attachment.host().iftype() == InterfaceType.VHOSTUSER ? attachment.host().vhost().group()
                : Optional.empty();
    }

    @Override
    public void delete(Attachment attachment) {
        try (Vpp vpp = VppSettings.of(attachment.host(), context).open()) {
            VppInterfaces.remove(vpp, VppTag.of(attachment.netConf().name(), attachment.id()));
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
            Path socket = vpp.tagged(VppTag.of(attachment.netConf().name(), attachment.id())).stream().findFirst()
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

    @Override
    public void gc(NetConf netConf, Set<AttachmentId> valid) {
        String network = VppTag.ofNetwork(netConf.name());
        try (Vpp vpp = VppSettings.of(netConf.host(), context).open()) {
            for (Interface iface : vpp.interfaces()) {
                boolean kept = valid.stream().anyMatch(id -> VppTag.mayMark(iface.tag(), netConf.name(), id));
                if (iface.tag().startsWith(network) && !kept) {
                    context.logger().log(Level.INFO, "vpp: GC removes {0} ({1})", iface.name(), iface.tag());
                    VppInterfaces.remove(vpp, iface);
                }
            }
        } catch (VppApiException e) {
            throw VppErrors.of("cannot collect the interfaces of network " + netConf.name(), e);
        }
    }

    @Override
    public DatapathStatus status(NetConf netConf) {
        VppSettings settings = VppSettings.of(netConf.host(), context);
        try (Vpp vpp = settings.open()) {
            vpp.require(netConf.host().iftype());
            context.logger().log(Level.DEBUG, "vpp: {0} at {1}", vpp.version(), settings.apiSocket());
            return DatapathStatus.up();
        } catch (VppApiException e) {
            return DatapathStatus.unavailable("vpp: " + e.getMessage());
        }
    }
}
