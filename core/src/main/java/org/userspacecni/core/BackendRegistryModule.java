package org.userspacecni.core;

import dagger.Module;
import dagger.Provides;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.ErrorCode;

/**
 * Turns the {@link ServiceLoader} entries for {@link DatapathBackendProvider} into a Dagger map binding keyed
 * by engine name, so that the host plugin and the container agent are assembled from the same backends
 * without knowing any of them. Two providers of one engine name fail loudly, naming both classes.
 */
@Module
public interface BackendRegistryModule {

    @Provides
    static Map<String, DatapathBackendProvider> providers() {
        Map<String, DatapathBackendProvider> byEngine = new HashMap<>();
        try {
            for (DatapathBackendProvider provider : ServiceLoader.load(DatapathBackendProvider.class)) {
                DatapathBackendProvider clash = byEngine.putIfAbsent(provider.engine(), provider);
                if (clash != null) {
                    throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                            "two datapath backends for engine '" + provider.engine() + "': "
                                    + clash.getClass().getName() + " and " + provider.getClass().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "cannot load a datapath backend", e);
        }
        return byEngine;
    }
}
