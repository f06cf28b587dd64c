package org.userspacecni.agent;

import dagger.Module;
import dagger.Provides;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.spi.BackendContext;

/**
 * The agent's parts that take a decision or a value from the run's options: where it finds the container's
 * attachments (the config store's files or the pod's annotations, {@link AttachmentSource}), where it notes what it
 * applied ({@code --state-dir}), the context its backends get, in which the engine options given to the agent
 * ({@link EngineOptions}) name the container's datapath, and the clock its deadlines are read on. The rest is made
 * by constructor injection.
 */
@Module
interface AgentModule {

    @Provides
    static AttachmentSource source(AgentOptions options, System.Logger log) {
        return AttachmentSource.of(options, log);
    }

    @Provides
    static AppliedAttachments applied(AgentOptions options, System.Logger log) {
        return new AppliedAttachments(options.stateDir(), log);
    }

    @Provides
    static BackendContext context(AgentOptions options, BackendRegistry backends, System.Logger log) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(EngineOptions.asVariables(options.engineOptions(), backends));
        return new ProgramContext(environment, log);
    }

    @Provides
    static Clock clock() {
        return Clock.systemUTC();
    }
}
