package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;
import java.util.Objects;

/**
 * The configuration the host plugin stores for the container side of one attachment, with the original
 * plugin's field names: {@code containerId}, {@code ifName}, the network {@code name}, the container end's
 * {@code config} (roles and modes already flipped from the host end) and the IPAM result as JSON.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerConfig(
        String containerId,
        String ifName,
        String name,
        Side config,
        Map<String, Object> ipResult) {

    public ContainerConfig {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(ifName, "ifName");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        ipResult = Map.copyOf(Objects.requireNonNullElse(ipResult, Map.of()));
    }

    public AttachmentId id() {
        return new AttachmentId(containerId, ifName);
    }
}
