package org.userspacecni.agent;

import dagger.BindsInstance;
import dagger.Component;
import java.time.Clock;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.BackendRegistryModule;
import org.userspacecni.core.ProviderLoader;
import org.userspacecni.spi.BackendContext;

/**
 * What the container agent is made of, for one run: what the run brings (its options, logger, the loader of its
 * providers and the root it reads the kernel's files under, in the factory), and the parts below, made from them
 * by the engines' module ({@link BackendRegistryModule}, shared with the host plugin), the agent's own
 * ({@link AgentModule}) or their constructors.
 */
@Component(modules = {BackendRegistryModule.class, AgentModule.class})
interface AgentComponent {

    /** The agent's commands, on the parts below. */
    Agent agent();

    /** The engines on the program's class path. */
    BackendRegistry backends();

    /** Where the container's attachments are read: the config store's files or the pod's annotations. */
    AttachmentSource source();

    /** What this agent applied to the datapath, noted in its state directory. */
    AppliedAttachments applied();

    /** What the engines are given: the environment with the engine options, and the logger. */
    BackendContext backendContext();

    /** The clock the agent's deadlines are read on. */
    Clock clock();

    @Component.Factory
    interface Factory {
        AgentComponent create(@BindsInstance AgentOptions options, @BindsInstance System.Logger log,
                @BindsInstance ProviderLoader providers, @BindsInstance FilesystemRoot root);
    }
}
