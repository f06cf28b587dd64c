package org.userspacecni.host;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Lazy;
import java.io.PrintStream;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.BackendRegistryModule;
import org.userspacecni.core.Providers;
import org.userspacecni.core.ProviderLoader;
import org.userspacecni.core.StateLock;
import org.userspacecni.core.store.FileConfigStore;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.PodStoreProvider;

/**
 * What the host plugin is made of, for one CNI command: what the command brings (its environment, network
 * configuration, stderr, logger and the loader of its providers, in the factory), and the parts below, made from
 * them by the engines' module ({@link BackendRegistryModule}, shared with the container agent), the plugin's own
 * ({@link HostPluginModule}) or their constructors. The plugin reads no clock: its log stamps its own lines.
 */
@Component(modules = {BackendRegistryModule.class, HostPluginModule.class})
interface HostPluginComponent {

    /** The CNI commands, on the parts below. */
    HostPlugin plugin();

    /** The engines on the program's class path. */
    BackendRegistry engines();

    /** The IPAM plugin of the configuration, found on {@code CNI_PATH}, within the IPAM timeout. */
    IpamDelegate ipam();

    /** The containers' configurations in the data directory, as the host writes them. */
    FileConfigStore store();

    /** The data directory's lock, held while the switch changes and while GC runs. */
    StateLock lock();

    /** The attachments begun and not yet removed, in the data directory. */
    AttachmentJournal journal();

    /** The platforms that know the pod, loaded only when a command asks for its pod. */
    Lazy<Providers<PodStoreProvider>> podStores();

    /** What the engines are given: the command's environment and logger. */
    BackendContext backendContext();

    /** The test hooks between ADD's steps. */
    HoldPoints holds();

    @Component.Factory
    interface Factory {
        HostPluginComponent create(@BindsInstance CniEnvironment environment, @BindsInstance NetConf netConf,
                @BindsInstance PrintStream stderr, @BindsInstance System.Logger log,
                @BindsInstance ProviderLoader providers);
    }
}
