package org.userspacecni.spi;

import java.util.Set;

/**
 * A datapath engine as both programs see it: the host side, driven by the CNI plugin, and the container
 * side, driven by the agent inside the container. {@link #close()} releases connections to the datapath
 * when the program ends.
 */
public interface DatapathBackend extends AutoCloseable {

    /** The interface types this engine can attach; a configuration asking for another is error 2. */
    Set<InterfaceType> interfaceTypes();

    HostSide host();

    ContainerSide container();

    @Override
    default void close() {
    }

    /** An engine made of its two sides, with nothing to release when the program ends. */
    static DatapathBackend of(Set<InterfaceType> interfaceTypes, HostSide host, ContainerSide container) {
        Set<InterfaceType> types = Set.copyOf(interfaceTypes);
        return new DatapathBackend() {
            @Override
            public Set<InterfaceType> interfaceTypes() {
                return types;
            }

            @Override
            public HostSide host() {
                return host;
            }

            @Override
            public ContainerSide container() {
                return container;
            }
        };
    }
}
