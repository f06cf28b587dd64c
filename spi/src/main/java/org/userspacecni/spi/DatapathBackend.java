package org.userspacecni.spi;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * A datapath engine as both programs see it: the host side, driven by the CNI plugin, and the container
 * side, driven by the agent inside the container. {@link #close()} releases connections to the datapath
 * when the program ends.
 */
public interface DatapathBackend extends AutoCloseable {

    /**
     * The interface types this engine can attach: the built-in {@link InterfaceType#VHOSTUSER} and
     * {@link InterfaceType#MEMIF}, or types of its own. The programs hand the engine only ends of these types
     * (see {@link #requireInterfaceType}); a configuration asking for another is error 2.
     */
    Set<InterfaceType> interfaceTypes();

    /**
     * Refuses an end whose interface type this engine does not declare: error 2 naming the key
     * ({@code section.iftype}), the engine and the types it takes. The programs call it before they hand an end
     * to either side of the engine.
     */
    default void requireInterfaceType(String section, Side side) {
        if (!interfaceTypes().contains(side.iftype())) {
            String supported = interfaceTypes().stream().map(InterfaceType::name).sorted()
                    .collect(Collectors.joining(", "));
            throw new CniException(ErrorCode.UNSUPPORTED_FIELD, section + ".iftype: '" + side.iftype()
                    + "' is not supported by engine '" + side.engine() + "' (supported: " + supported + ")");
        }
    }

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
