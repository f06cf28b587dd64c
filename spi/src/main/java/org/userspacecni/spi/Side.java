package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One end of an attachment, {@code host} or {@code container}: which engine serves it, the interface type,
 * how it is wired, and the per-type settings. Both ends share this shape, as in the original plugin.
 * {@code options} holds settings of one engine (where its control socket is, say), documented by that
 * engine; the SPI does not interpret them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Side(
        @ConfigDoc(value = "The datapath engine that serves this end; one not installed is error 7 listing the"
                + " installed ones.", defaultValue = "required on the host; in the container, the host's",
                allowed = "an installed engine's name ([engine options](#engine-options))")
        String engine,
        @ConfigDoc(value = "The kind of interface that joins the container to the datapath: a type the engine"
                + " declares, built in (`vhostuser`, `memif`) or its own.",
                defaultValue = "required on the host; in the container, the host's",
                allowed = "one the engine takes ([engine options](#engine-options))")
        InterfaceType iftype,
        @ConfigDoc(value = "How the end joins the switch: added to a bridge, or an interface of its own that"
                + " carries the addresses (`interface` is for vpp; ovs-dpdk ports always join a bridge).",
                defaultValue = "none; in the container, `interface` when IPAM gave addresses")
        Optional<NetType> netType,
        @ConfigDoc(value = "vhost-user settings.")
        VhostConfig vhost,
        @ConfigDoc(value = "memif settings.", engines = "vpp")
        MemifConfig memif,
        @ConfigDoc(value = "The bridge the end joins; the container's comes only from its own section.")
        BridgeConfig bridge,
        @ConfigDoc(value = "Polices what the pod sends into the host's switch; read on the host end only.",
                engines = "ovs-dpdk")
        Optional<Policing> policing,
        @ConfigDoc(value = "Mirrors on the host's bridge the port joins, as a producer or the consumer (ovs-cni's"
                + " `mirrors`); read on the host end only.", defaultValue = "none", engines = "ovs-dpdk")
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        List<PortMirror> mirrors,
        @ConfigDoc(value = "Settings of the engine, each a string ([engine options](#engine-options)); a value of"
                + " another JSON type is error 6. The container's come only from its own section.")
        Map<String, Object> options) {

    public Side {
        if (engine == null || engine.isBlank()) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "missing 'engine'");
        }
        if (iftype == null) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "missing 'iftype'");
        }
        netType = Objects.requireNonNullElse(netType, Optional.empty());
        vhost = Objects.requireNonNullElse(vhost, VhostConfig.EMPTY);
        memif = Objects.requireNonNullElse(memif, MemifConfig.EMPTY);
        bridge = Objects.requireNonNullElse(bridge, BridgeConfig.EMPTY);
        policing = Objects.requireNonNullElse(policing, Optional.empty());
        List<PortMirror> joined = new ArrayList<>(Objects.requireNonNullElse(mirrors, List.of()));
        for (int i = 0; i < joined.size(); i++) {
            if (joined.get(i) == null) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "'mirrors[" + i + "]' is null");
            }
        }
        if (joined.stream().map(PortMirror::name).distinct().count() < joined.size()) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "'mirrors' names a mirror twice");
        }
        mirrors = Collections.unmodifiableList(joined);
        options = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNullElse(options, Map.of())));
    }

    /** An end of SPI 2.1, which had no policing and no mirrors. */
    public Side(String engine, InterfaceType iftype, Optional<NetType> netType, VhostConfig vhost, MemifConfig memif,
            BridgeConfig bridge, Map<String, Object> options) {
        this(engine, iftype, netType, vhost, memif, bridge, Optional.empty(), List.of(), options);
    }

    /** An engine setting given as a string in {@code options}. */
    public Optional<String> option(String name) {
        Object value = options.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String)) {
            throw new CniException(ErrorCode.DECODING_FAILURE, "options." + name + " must be a string");
        }
        return Optional.of((String) value);
    }
}
