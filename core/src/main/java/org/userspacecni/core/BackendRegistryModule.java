package org.userspacecni.core;

import dagger.Module;
import dagger.Provides;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.ErrorCode;

/**
 * Turns the {@link ServiceLoader} entries for {@link DatapathBackendProvider} into a Dagger binding, in class
 * path order, so that the host plugin and the container agent are assembled from the same backends without
 * knowing any of them. It only loads them; {@link BackendRegistry} chooses which can be used.
 */
@Module
public interface BackendRegistryModule {

    @Provides
    static List<DatapathBackendProvider> providers() {
        try {
            return ServiceLoader.load(DatapathBackendProvider.class).stream().map(ServiceLoader.Provider::get)
                    .toList();
        } catch (ServiceConfigurationError e) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "cannot load a datapath backend", e);
        }
    }
}
