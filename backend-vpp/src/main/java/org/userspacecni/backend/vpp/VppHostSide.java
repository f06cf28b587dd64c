package org.userspacecni.backend.vpp;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
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
import org.userspacecni.spi.SocketDirectory;

/**
 * The host end of {@code vpp} attachments: a memif (master unless {@code memif.role} says otherwise) or a
 * vhost-user interface (VPP connects as client unless {@code vhost.mode} is {@code server}) on the host's VPP,
 * its socket in the shared directory, admin up, in bridge domain {@code bridgeName} for
 * {@code netType: bridge}. The container's addresses go on the container's end, so {@code netType: interface}
 * leaves the host's interface in L3 mode without one.
 */
final class VppHostSide implements HostSide {

    private final BackendContext context;

    VppHostSide(BackendContext context) {
        this.context = context;
    }

    static VppPlan plan(Attachment attachment) {
        Path sharedDir = attachment.netConf().sharedDirPath();
        String file = attachment.host().iftype() == InterfaceType.MEMIF
                ? attachment.host().memif().socketfile().orElse(VppPlan.memifSocketFile(attachment.id()))
                : attachment.host().vhost().socketfile()
                        .orElse(attachment.id().shortContainerId() + "-" + attachment.id().ifName());
        return VppPlan.of(attachment.host(), attachment.netConf().name(), attachment.id(), sharedDir.resolve(file));
    }

    @Override
    public HostPort add(Attachment attachment) {
        VppPlan plan = plan(attachment);
        // The socket itself is VPP's, made in VPP's own mode.
        SocketDirectory.prepare(plan.socket().getParent(), group(attachment));
        try (Vpp vpp = VppSettings.of(attachment.host(), context).open()) {
            Interface iface = VppInterfaces.add(vpp, plan, Optional.empty(), List.of());
            context.logger().log(Level.INFO, "vpp: {0} is {1} on {2}", attachment.id(), iface.name(), plan.socket());
            return new HostPort(iface.name(), plan.socket().toString(), Optional.empty(), Optional.empty());
        } catch (VppApiException e) {
            throw VppErrors.of("cannot add the " + attachment.host().iftype() + " interface of " + attachment.id(), e);
        }
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
        VppPlan plan = plan(attachment);
        List<String> differences;
        try (Vpp vpp = VppSettings.of(attachment.host(), context).open()) {
            differences = VppInterfaces.differences(vpp, plan);
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
        Set<String> keep = valid.stream().map(id -> VppTag.of(netConf.name(), id)).collect(Collectors.toSet());
        try (Vpp vpp = VppSettings.of(netConf.host(), context).open()) {
            for (Interface iface : vpp.interfaces()) {
                if (iface.tag().startsWith(network) && !keep.contains(iface.tag())) {
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
            context.logger().log(Level.DEBUG, "vpp: {0} at {1}", vpp.version(), settings.apiSocket());
            return DatapathStatus.up();
        } catch (VppApiException e) {
            return DatapathStatus.unavailable("vpp: " + e.getMessage());
        }
    }
}
