package org.userspacecni.core;

import java.util.function.Function;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.PodStoreProvider;

/**
 * One kind of provider the programs load: its SPI interface, what one is called in messages ({@code engine}),
 * what an operator installs in place of a refused one ({@code backend}), and how a provider tells its name and the
 * SPI version it was built for.
 */
public record ProviderKind<P>(Class<P> type, String noun, String installable, Function<P, String> name,
        Function<P, String> spiVersion) {

    public static final ProviderKind<DatapathBackendProvider> ENGINES = new ProviderKind<>(
            DatapathBackendProvider.class, "engine", "backend", DatapathBackendProvider::engine,
            DatapathBackendProvider::spiVersion);

    public static final ProviderKind<PodStoreProvider> POD_STORES = new ProviderKind<>(PodStoreProvider.class,
            "pod store", "pod store", PodStoreProvider::name, PodStoreProvider::spiVersion);
}
