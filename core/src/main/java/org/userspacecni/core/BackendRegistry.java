package org.userspacecni.core;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.inject.Inject;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.ErrorCode;

/**
 * The datapath backends installed on the class path, by engine name. Asking for an engine that is not
 * installed is a network configuration error that lists the engines that are.
 */
public final class BackendRegistry {

    private final Map<String, DatapathBackendProvider> providers;

    @Inject
    public BackendRegistry(Map<String, DatapathBackendProvider> providers) {
        this.providers = Map.copyOf(providers);
    }

    public Set<String> engines() {
        return new TreeSet<>(providers.keySet());
    }

    public DatapathBackendProvider provider(String engine) {
        DatapathBackendProvider provider = providers.get(engine);
        if (provider == null) {
            String installed = providers.isEmpty() ? "none is installed" : "installed: " + String.join(", ", engines());
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                    "unknown engine '" + engine + "' (" + installed + ")");
        }
        return provider;
    }
}
