package org.userspacecni.core;

import java.util.List;
import java.util.Set;
import org.userspacecni.spi.DatapathBackendProvider;

/**
 * The datapath backends installed, by engine name, checked as every kind of provider is ({@link Providers}).
 * Asking for an engine that is not installed is a network configuration error that lists the engines that are.
 */
public final class BackendRegistry extends Providers<DatapathBackendProvider> {

    public BackendRegistry(List<DatapathBackendProvider> installed, System.Logger log) {
        super(ProviderKind.ENGINES, installed, log);
    }

    /** The backends {@code loader} offers. */
    public static BackendRegistry load(ProviderLoader loader, System.Logger log) {
        return new BackendRegistry(loader.find(ProviderKind.ENGINES), log);
    }

    /** The engines that can be used. */
    public Set<String> engines() {
        return names();
    }

    public DatapathBackendProvider provider(String engine) {
        return named(engine);
    }
}
