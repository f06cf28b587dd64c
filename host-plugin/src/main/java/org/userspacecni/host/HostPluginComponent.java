package org.userspacecni.host;

import dagger.BindsInstance;
import dagger.Component;
import java.io.PrintStream;
import org.userspacecni.core.BackendRegistryModule;
import org.userspacecni.core.ProviderLoader;
import org.userspacecni.spi.NetConf;

/**
 * What the host plugin is made of: the backends found on the class path ({@link BackendRegistryModule},
 * shared with the container agent) and the plugin's own parts ({@link HostPluginModule}), for one
 * invocation's environment, network configuration, stderr and logger.
 */
@Component(modules = {BackendRegistryModule.class, HostPluginModule.class})
interface HostPluginComponent {

    HostPlugin plugin();

    @Component.Factory
    interface Factory {
        HostPluginComponent create(@BindsInstance CniEnvironment environment, @BindsInstance NetConf netConf,
                @BindsInstance PrintStream stderr, @BindsInstance System.Logger log,
                @BindsInstance ProviderLoader providers);
    }
}
