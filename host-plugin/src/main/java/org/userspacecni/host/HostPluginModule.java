package org.userspacecni.host;

import dagger.Module;
import dagger.Provides;
import java.io.PrintStream;
import java.time.Duration;
import org.userspacecni.core.ProcessRunner;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.ProviderKind;
import org.userspacecni.core.ProviderLoader;
import org.userspacecni.core.Providers;
import org.userspacecni.core.StateLock;
import org.userspacecni.core.store.FileConfigStore;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.PodStoreProvider;

/**
 * The host plugin's parts that take a decision or a value from the command: the IPAM timeout, the network's
 * data directory (for the config store, the journal and the lock), the pod stores the program's loader offers,
 * and the context its backends get. The rest is made by constructor injection.
 */
@Module
interface HostPluginModule {

    /** How long a delegated IPAM plugin may take before it is killed and the ADD rolled back. */
    Duration IPAM_TIMEOUT = Duration.ofSeconds(60);
    /** Where an operator sets another IPAM timeout, in whole seconds. */
    String IPAM_TIMEOUT_VARIABLE = "USERSPACE_CNI_IPAM_TIMEOUT";

    /** How IPAM plugins run: their stderr the command's, killed after the IPAM timeout. */
    @Provides
    static ProcessRunner ipamPlugins(CniEnvironment environment, PrintStream stderr) {
        return new ProcessRunner(ipamTimeout(environment), stderr);
    }

    private static Duration ipamTimeout(CniEnvironment environment) {
        return environment.seconds(IPAM_TIMEOUT_VARIABLE, 1, "").map(Duration::ofSeconds).orElse(IPAM_TIMEOUT);
    }

    @Provides
    static FileConfigStore store(NetConf netConf, System.Logger log) {
        return FileConfigStore.hostView(netConf.dataDirPath(), log);
    }

    @Provides
    static AttachmentJournal journal(NetConf netConf) {
        return new AttachmentJournal(netConf.dataDirPath());
    }

    @Provides
    static StateLock lock(NetConf netConf) {
        return new StateLock(netConf.dataDirPath());
    }

    @Provides
    static Providers<PodStoreProvider> podStores(ProviderLoader loader, System.Logger log) {
        return PodStoreJars.around(loader).load(ProviderKind.POD_STORES, log);
    }

    @Provides
    static BackendContext backendContext(CniEnvironment environment, System.Logger log) {
        return new ProgramContext(environment.variables(), log);
    }
}
