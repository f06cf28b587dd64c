package org.userspacecni.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * What a backend made on the host: the port's name on the switch, the socket the container attaches to
 * (an absolute path on the host), and the MAC address and MTU when the switch reports them. It becomes the
 * interface entry of the CNI result ({@code socketPath} in 1.1.0).
 */
public record HostPort(String name, String socketPath, Optional<String> mac, Optional<Integer> mtu) {

    public HostPort {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(socketPath, "socketPath");
        mac = Objects.requireNonNullElse(mac, Optional.empty());
        mtu = Objects.requireNonNullElse(mtu, Optional.empty());
    }
}
