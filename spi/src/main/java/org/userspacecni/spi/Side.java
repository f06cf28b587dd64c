package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Collections;
import java.util.LinkedHashMap;
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
        String engine,
        InterfaceType iftype,
        Optional<NetType> netType,
        VhostConfig vhost,
        MemifConfig memif,
        BridgeConfig bridge,
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
        options = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNullElse(options, Map.of())));
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
