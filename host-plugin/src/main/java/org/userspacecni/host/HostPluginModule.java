package org.userspacecni.host;

import dagger.Module;
import dagger.Provides;
import java.time.Duration;
import org.userspacecni.core.ProcessRunner;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.spi.BackendContext;

/** The host plugin's own parts: IPAM delegation and the context its backends get. */
@Module
interface HostPluginModule {

    /** How long a delegated IPAM plugin may take before it is killed and the ADD rolled back. */
    Duration IPAM_TIMEOUT = Duration.ofSeconds(60);

    @Provides
    static IpamDelegate ipam(CniEnvironment environment, System.Logger log) {
        return new IpamDelegate(environment, new ProcessRunner(IPAM_TIMEOUT), log);
    }

    @Provides
    static BackendContext backendContext(CniEnvironment environment, System.Logger log) {
        return new ProgramContext(environment.variables(), log);
    }
}
