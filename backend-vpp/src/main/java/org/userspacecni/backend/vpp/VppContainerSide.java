package org.userspacecni.backend.vpp;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.backend.vpp.Vpp.Interface;
import org.userspacecni.backend.vpp.VppInterfaces.Address;
import org.userspacecni.backend.vpp.api.VppApiException;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.ContainerSide;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.NetType;

/**
 * The container end of {@code vpp} attachments, in the container's own VPP: the same interface as the
 * host's with the role turned round (a memif slave to the host's master, a vhost-user server for a host
 * client), on the socket as the container sees it, with the attachment's MAC, admin up, and either the IPAM
 * addresses ({@code netType: interface}, any prefix length, IPv4 and IPv6) or a bridge domain. The link comes
 * up when the host's end answers; {@link #apply} returns once it has, and {@link #linkState} reports it.
 */
final class VppContainerSide implements ContainerSide {

    /** How long {@link #apply} waits for the link, as the ovs-dpdk engine's container side does. */
    static final Duration LINK_TIMEOUT = Duration.ofSeconds(30);
    static final Duration LINK_POLL = Duration.ofMillis(100);

    private final BackendContext context;

    VppContainerSide(BackendContext context) {
        this.context = context;
    }

    @Override
    public void apply(ContainerConfig config, Path socket) {
        VppPlan plan = VppPlan.of(config.config(), config.name(), config.id(), socket);
        List<Address> addresses = config.config().netType().filter(NetType.INTERFACE::equals).isPresent()
                ? addresses(config) : List.of();
        byte[] mac = HexFormat.ofDelimiter(":").parseHex(config.mac());
        try (Vpp vpp = VppSettings.of(config.config(), context).open()) {
            Interface iface = VppInterfaces.add(vpp, plan, Optional.of(mac), addresses);
            awaitLinkUp(vpp, config, iface);
            context.logger().log(Level.INFO, "vpp: {0} joined {1} as {2}", config.ifName(), socket, iface.name());
        } catch (VppApiException e) {
            throw VppErrors.of("cannot apply " + config.id(), e);
        }
    }

    /**
     * Waits until the interface's link is up (the host's end answered), looking every {@link #LINK_POLL}; after
     * {@link #LINK_TIMEOUT} it removes the interface and fails with 11, so that the agent tries again.
     */
    private static void awaitLinkUp(Vpp vpp, ContainerConfig config, Interface added) {
        VppTag tag = VppTag.of(config.name(), config.id());
        Instant deadline = Instant.now().plus(LINK_TIMEOUT);
        while (vpp.tagged(tag).stream().noneMatch(Interface::linkUp)) {
            if (Instant.now().isAfter(deadline)) {
                VppInterfaces.remove(vpp, tag);
                throw new CniException(ErrorCode.TRY_AGAIN_LATER, "vpp: the link of " + added.name() + " ("
                        + config.id() + ") did not come up within " + LINK_TIMEOUT.toSeconds() + " s");
            }
            try {
                Thread.sleep(LINK_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CniException(ErrorCode.TRY_AGAIN_LATER, "vpp: interrupted while waiting for the link of "
                        + config.id(), e);
            }
        }
    }

    @Override
    public void remove(ContainerConfig config) {
        try (Vpp vpp = VppSettings.of(config.config(), context).open()) {
            VppInterfaces.remove(vpp, VppTag.of(config.name(), config.id()));
        } catch (VppApiException e) {
            throw VppErrors.of("cannot remove " + config.id(), e);
        }
    }

    @Override
    public String linkState(ContainerConfig config) {
        try (Vpp vpp = VppSettings.of(config.config(), context).open()) {
            return vpp.tagged(VppTag.of(config.name(), config.id())).stream().findFirst()
                    .map(iface -> iface.linkUp() ? "up" : "down").orElse("absent");
        } catch (VppApiException e) {
            throw VppErrors.of("cannot read the link of " + config.id(), e);
        }
    }

    @Override
    public DatapathStatus status() {
        try (Vpp vpp = VppSettings.of(context).open()) {
            context.logger().log(Level.DEBUG, "vpp: {0}", vpp.version());
            return DatapathStatus.up();
        } catch (VppApiException e) {
            return DatapathStatus.unavailable("vpp: " + e.getMessage());
        }
    }

    /** The addresses of the IPAM result ({@code ips[].address}, CIDR notation). */
    static List<Address> addresses(ContainerConfig config) {
        List<Address> addresses = new ArrayList<>();
        Object ips = config.ipResult().get("ips");
        if (ips instanceof List<?> list) {
            for (Object ip : list) {
                String cidr = String.valueOf(((Map<?, ?>) ip).get("address"));
                int slash = cidr.indexOf('/');
                try {
                    addresses.add(new Address(InetAddress.getByName(cidr.substring(0, slash)),
                            Integer.parseInt(cidr.substring(slash + 1))));
                } catch (UnknownHostException | RuntimeException e) {
                    throw new CniException(ErrorCode.DECODING_FAILURE, config.id() + ": the IPAM address '" + cidr
                            + "' is not in CIDR notation");
                }
            }
        }
        return addresses;
    }
}
