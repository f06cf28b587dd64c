package org.userspacecni.agent;

import dagger.BindsInstance;
import dagger.Component;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.BackendRegistryModule;
import org.userspacecni.core.ProviderLoader;

/**
 * What the container agent is made of: the same backend registry as the host plugin
 * ({@link BackendRegistryModule}) and the agent's own parts ({@link AgentModule}), for one run's options and
 * logger.
 */
@Component(modules = {BackendRegistryModule.class, AgentModule.class})
interface AgentComponent {

    BackendRegistry backends();

    Agent agent();

    @Component.Factory
    interface Factory {
        AgentComponent create(@BindsInstance AgentOptions options, @BindsInstance System.Logger log,
                @BindsInstance ProviderLoader providers);
    }
}
