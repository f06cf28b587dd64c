package org.userspacecni.agent;

import dagger.Module;
import dagger.Provides;
import java.util.HashMap;
import java.util.Map;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.spi.BackendContext;

/**
 * The agent's own parts: where it finds the container's attachments (the config store's files or the pod's
 * annotations, {@link AttachmentSource}), and the context its backends get, in which the engine options given to
 * the agent ({@link EngineOptions}) name the container's datapath, and where it notes what it applied.
 */
@Module
interface AgentModule {

    @Provides
    static AttachmentSource source(AgentOptions options, System.Logger log) {
        return AttachmentSource.of(options, log);
    }

    @Provides
    static BackendContext context(AgentOptions options, BackendRegistry backends, System.Logger log) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(EngineOptions.asVariables(options.engineOptions(), backends));
        return new ProgramContext(environment, log);
    }

    @Provides
    static Agent agent(AttachmentSource source, BackendRegistry backends, BackendContext context,
            AgentOptions options, System.Logger log) {
        return new Agent(source, new AppliedAttachments(options.stateDir(), log), backends, context);
    }
}
