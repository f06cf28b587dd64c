package org.userspacecni.core;

import dagger.Module;
import dagger.Provides;

/**
 * The backends both programs are assembled from, found by the {@link ProviderLoader} the program was made with,
 * so that the host plugin and the container agent use the same backends without knowing any of them.
 */
@Module
public interface BackendRegistryModule {

    @Provides
    static BackendRegistry backends(ProviderLoader loader, System.Logger log) {
        return BackendRegistry.load(loader, log);
    }
}
