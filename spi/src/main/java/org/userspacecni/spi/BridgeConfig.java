package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The bridge the host side joins and how its port treats VLANs: the bridge's name (for VPP the numeric
 * bridge-domain id, as in the original), the deprecated numeric {@code bridgeId}, the port's VLAN (the original's
 * {@code vlanId}, or ovs-cni's {@code vlan}, which the original parsed and ignored), the VLANs a trunk carries and
 * the VLAN mode, with ovs-cni's names.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BridgeConfig(
        @ConfigDoc(value = "The bridge: on ovs-dpdk an OVS bridge, made (netdev) if missing; on vpp the number of a"
                + " bridge domain, made if missing, with `netType: bridge`.", defaultValue = "`br0` (ovs-dpdk),"
                + " `1` (vpp)", allowed = "ovs-dpdk: a letter or digit, then letters, digits, `_`, `.`, `-`, at most"
                + " 15 in all; vpp: 1 to 16777215")
        Optional<String> bridgeName,
        @ConfigDoc(value = "The original's deprecated bridge number; accepted and ignored.", engines = {})
        Optional<Integer> bridgeId,
        @ConfigDoc(value = "The port's access VLAN, or a trunk's native VLAN (the original's name for `vlan`).",
                allowed = "1 to {MAX_VLAN_ID}; the same as `vlan` where both are given", engines = "ovs-dpdk")
        Optional<Integer> vlanId,
        @ConfigDoc(value = "The port's access VLAN, or a trunk's native VLAN (ovs-cni's name for `vlanId`).",
                allowed = "1 to {MAX_VLAN_ID}", engines = "ovs-dpdk")
        Optional<Integer> vlan,
        @ConfigDoc(value = "The VLANs the port carries tagged, each `{\"id\": n}` or `{\"minID\": a, \"maxID\": b}`"
                + " as in ovs-cni; none given in mode `trunk` or `native-*` carries every VLAN.",
                defaultValue = "none", engines = "ovs-dpdk")
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        List<VlanRange> trunk,
        @ConfigDoc(value = "How the port treats tags: `access` carries `vlan` untagged; `trunk` carries `trunk`'s"
                + " VLANs tagged; `native-tagged` and `native-untagged` carry them and `vlan`, the native VLAN, tagged"
                + " or untagged.", defaultValue = "`access` with `vlan` alone, `trunk` with `trunk` alone; with both,"
                + " required", engines = "ovs-dpdk")
        Optional<VlanMode> vlanMode) {

    /** 802.1Q: 0 means no VLAN and 4095 is reserved. */
    public static final int MAX_VLAN_ID = 4094;

    public static final BridgeConfig EMPTY = new BridgeConfig(Optional.empty(), Optional.empty(), Optional.empty());

    public BridgeConfig {
        bridgeName = Objects.requireNonNullElse(bridgeName, Optional.empty());
        bridgeId = Objects.requireNonNullElse(bridgeId, Optional.empty());
        vlanId = vlanIn("vlanId", vlanId);
        vlan = vlanIn("vlan", vlan);
        if (vlanId.isPresent() && vlan.isPresent() && !vlanId.equals(vlan)) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "'vlan' " + vlan.get() + " and 'vlanId' "
                    + vlanId.get() + " name two VLANs; give one");
        }
        List<VlanRange> entries = new ArrayList<>(Objects.requireNonNullElse(trunk, List.of()));
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) == null) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "'trunk[" + i + "]' is null: give"
                        + " {\"id\": n} or {\"minID\": a, \"maxID\": b}");
            }
        }
        trunk = Collections.unmodifiableList(entries);
        vlanMode = Objects.requireNonNullElse(vlanMode, Optional.empty());
        checkMode(vlanMode, vlanId.isPresent() ? vlanId : vlan, trunk);
    }

    /** The bridge and access VLAN of SPI 2.1, which had no trunks. */
    public BridgeConfig(Optional<String> bridgeName, Optional<Integer> bridgeId, Optional<Integer> vlanId) {
        this(bridgeName, bridgeId, vlanId, Optional.empty(), List.of(), Optional.empty());
    }

    /** The port's VLAN, {@code vlanId} or {@code vlan}: access VLAN in mode access, native VLAN in native modes. */
    public Optional<Integer> portVlan() {
        return vlanId.or(() -> vlan);
    }

    /** The VLANs {@link #trunk} lists, each once, in order. */
    public List<Integer> trunkVlans() {
        return trunk.stream().flatMap(range -> IntStream.rangeClosed(range.first(), range.last())
                .boxed()).distinct().sorted().toList();
    }

    /** {@code value}, absent where null, or 7 naming {@code field} where it is no VLAN id. */
    static Optional<Integer> vlanIn(String field, Optional<Integer> value) {
        Optional<Integer> given = Objects.requireNonNullElse(value, Optional.empty());
        given.filter(id -> id < 1 || id > MAX_VLAN_ID).ifPresent(id -> {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "'" + field + "' must be between 1 and "
                    + MAX_VLAN_ID + ", not " + id);
        });
        return given;
    }

    private static void checkMode(Optional<VlanMode> mode, Optional<Integer> vlan, List<VlanRange> trunk) {
        if (mode.isEmpty()) {
            if (vlan.isPresent() && !trunk.isEmpty()) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "'vlan' with 'trunk' makes a native VLAN:"
                        + " set 'vlanMode' to native-tagged or native-untagged");
            }
            return;
        }
        switch (mode.get()) {
            case ACCESS -> {
                if (vlan.isEmpty() || !trunk.isEmpty()) {
                    throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "'vlanMode' access takes 'vlan' and"
                            + " no 'trunk'");
                }
            }
            case TRUNK -> vlan.ifPresent(id -> {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "'vlanMode' trunk takes no 'vlan' (" + id
                        + "): a trunk with a native VLAN is native-tagged or native-untagged");
            });
            case NATIVE_TAGGED, NATIVE_UNTAGGED -> {
                if (vlan.isEmpty()) {
                    throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "'vlanMode' " + mode.get().wireName()
                            + " takes 'vlan', the native VLAN");
                }
            }
            default -> throw new IllegalStateException(mode.get().name());
        }
    }
}
