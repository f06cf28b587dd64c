package org.userspacecni.spi;

import java.util.List;

/**
 * The {@link java.util.ServiceLoader} entry point of a datapath backend: one per engine name.
 *
 * <p>The host plugin and the container agent load every provider on the class path and pick the one whose
 * {@link #engine()} equals {@code host.engine} (or {@code container.engine}) of the network configuration.
 * Two providers with the same engine name are a configuration error that names both classes. Providers
 * are created for every invocation of a short-lived program, so the constructor must be cheap: do the work
 * in {@link #create}.
 */
public interface DatapathBackendProvider {

    /** The engine name in the network configuration, e.g. {@code ovs-dpdk} or {@code vpp}. */
    String engine();

    /**
     * The SPI version this provider was compiled against; implement it as {@code return SpiVersion.CURRENT;}.
     * {@link SpiVersion#CURRENT} is a compile-time constant, so javac copies its value into the provider's class:
     * the method reports the version the provider was built for, not the version it runs with. A program refuses
     * a provider that {@link SpiVersion#runs} says cannot run on its SPI, or that was built before this method
     * existed, and names it when a configuration asks for its engine. It is abstract, not {@code default}, because
     * a default would report the program's version.
     */
    String spiVersion();

    /**
     * The settings this engine reads from the sections' {@code options}, for the configuration reference and the
     * agent's {@code --engine-option}; none by default.
     */
    default List<EngineOption> options() {
        return List.of();
    }

    /** Creates the backend for one program run; called at most once per run. */
    DatapathBackend create(BackendContext context);
}
