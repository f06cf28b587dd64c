package org.userspacecni.backend.vpp;

import java.nio.file.Path;
import java.util.Optional;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.EngineOption;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifMode;
import org.userspacecni.spi.NetType;
import org.userspacecni.spi.Side;

/**
 * What one end of an attachment asks of a VPP, worked out and checked before anything changes: the tag
 * that marks it, the socket file, the bridge domain ({@code netType: bridge}: {@code bridgeName} is its
 * number, as in the original, 1 by default) and the attachment to cross-connect with
 * ({@code options.xconnect}: the ifname of another attachment of the same container).
 */
record VppPlan(VppTag tag, InterfaceType iftype, Side side, Path socket, Optional<Integer> bridgeDomain,
        Optional<String> crossConnect) {

    static final EngineOption CROSS_CONNECT = new EngineOption("xconnect", EngineOption.BOTH_SECTIONS,
            Optional.empty(), "", "", "The `ifname` of another attachment of the same container to cross-connect"
                    + " with (L2, both directions, once both exist); excludes `netType: bridge`.");

    /** VPP's bridge-domain ids stop below 2^24; 0 is its own. */
    static final int MAX_BRIDGE_DOMAIN = 0xFFFFFF;

    static VppPlan of(Side side, String network, AttachmentId id, Path socket) {
        if (InterfaceType.MEMIF.equals(side.iftype()) && side.memif().mode() == MemifMode.INJECT_PUNT) {
            // VPP's memif plugin implements ethernet and ip only; memif_create_v2 in this mode ends VPP (SIGSEGV,
            // seen with 26.10), taking every other interface with it.
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "memif.mode: engine 'vpp' makes memif"
                    + " interfaces in mode ethernet or ip, not inject-punt, which VPP does not implement");
        }
        if (side.policing().isPresent() || !side.mirrors().isEmpty()) {
            throw new CniException(ErrorCode.UNSUPPORTED_FIELD, "policing, mirrors: engine 'vpp' neither polices"
                    + " nor mirrors ports; use engine ovs-dpdk, or leave them out");
        }
        if (!side.bridge().trunk().isEmpty() || side.bridge().vlanMode().isPresent()) {
            throw new CniException(ErrorCode.UNSUPPORTED_FIELD, "bridge.trunk, bridge.vlanMode: engine 'vpp' makes"
                    + " no VLAN trunks; use engine ovs-dpdk, or leave them out");
        }
        Optional<Integer> bridgeDomain = Optional.empty();
        if (side.netType().filter(NetType.BRIDGE::equals).isPresent()) {
            String name = side.bridge().bridgeName().orElse("1");
            try {
                bridgeDomain = Optional.of(Integer.parseInt(name));
            } catch (NumberFormatException e) {
                bridgeDomain = Optional.of(-1);
            }
            if (bridgeDomain.get() < 1 || bridgeDomain.get() > MAX_BRIDGE_DOMAIN) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "bridge.bridgeName: engine 'vpp' takes the"
                        + " number of a bridge domain, 1 to " + MAX_BRIDGE_DOMAIN + ", not '" + name + "'");
            }
        }
        Optional<String> crossConnect = side.option(CROSS_CONNECT.name());
        if (crossConnect.isPresent() && bridgeDomain.isPresent()) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "options." + CROSS_CONNECT.name()
                    + " and netType 'bridge' exclude each other: an interface is in one L2 mode");
        }
        return new VppPlan(VppTag.of(network, id), side.iftype(), side, socket, bridgeDomain, crossConnect);
    }

    /** The default socket file of a memif attachment whose port name is {@code name}, as the original made it. */
    static String memifSocketFile(String name) {
        return "memif-" + name + ".sock";
    }
}
