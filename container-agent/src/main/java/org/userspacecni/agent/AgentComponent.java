package org.userspacecni.agent;

import dagger.Component;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.BackendRegistryModule;

/** What the container agent is made of: the same backend registry as the host plugin. */
@Component(modules = BackendRegistryModule.class)
interface AgentComponent {

    BackendRegistry backends();
}
