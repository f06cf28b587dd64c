package org.userspacecni.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * What an engine sees of a network's configuration: its name (engines mark what they make with it), its host
 * end, the container end the configuration gives (when it has a {@code container} section) and the MTU of its
 * interfaces. The rest of {@link NetConf} (where the plugin keeps its state and log, its kubeconfig, the IPAM
 * plugin's section, the shared directory, which the program's {@link Sockets} stand for) is the programs' alone.
 */
public record Network(String name, Side host, Optional<Side> container, Optional<Integer> mtu) {

    public Network {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        container = Objects.requireNonNullElse(container, Optional.empty());
        mtu = Objects.requireNonNullElse(mtu, Optional.empty());
    }

    /** The engine's view of {@code conf}. */
    public static Network of(NetConf conf) {
        return new Network(conf.name(), conf.host(), conf.container(), conf.mtu());
    }
}
