package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;
import java.util.Optional;

/**
 * One end of an attachment, {@code host} or {@code container}: which engine serves it, the interface type,
 * how it is wired, and the per-type settings. Both ends share this shape, as in the original plugin.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Side(
        String engine,
        InterfaceType iftype,
        Optional<NetType> netType,
        VhostConfig vhost,
        MemifConfig memif,
        BridgeConfig bridge) {

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
    }
}
