package org.userspacecni.host;

import dagger.Module;
import dagger.Provides;
import java.io.PrintStream;
import java.time.Duration;
import org.userspacecni.core.ProcessRunner;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.store.FileConfigStore;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.ConfigStore;
import org.userspacecni.spi.NetConf;

/** The host plugin's own parts: IPAM delegation, the config store, and the context its backends get. */
@Module
interface HostPluginModule {

    /** How long a delegated IPAM plugin may take before it is killed and the ADD rolled back. */
    Duration IPAM_TIMEOUT = Duration.ofSeconds(60);

    @Provides
    static IpamDelegate ipam(CniEnvironment environment, PrintStream stderr, System.Logger log) {
        return new IpamDelegate(environment, new ProcessRunner(IPAM_TIMEOUT, stderr), log);
    }

    @Provides
    static ConfigStore store(NetConf netConf, System.Logger log) {
        return FileConfigStore.hostView(netConf.dataDirPath(), log);
    }

    @Provides
    static BackendContext backendContext(CniEnvironment environment, System.Logger log) {
        return new ProgramContext(environment.variables(), log);
    }
}
