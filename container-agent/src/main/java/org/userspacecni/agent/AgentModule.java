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
 * annotations, {@link AttachmentSource}), and the context its backends get, in which {@code --ovsdb} and
 * {@code --vpp-api} name the container's OVS database and VPP API socket, and where it notes what it applied.
 */
@Module
interface AgentModule {

    @Provides
    static AttachmentSource source(AgentOptions options, System.Logger log) {
        return AttachmentSource.of(options, log);
    }

    @Provides
    static BackendContext context(AgentOptions options, System.Logger log) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put("USERSPACE_CNI_OVSDB_SOCKET", options.ovsdbSocket());
        environment.put("USERSPACE_CNI_VPP_API_SOCKET", options.vppApi().toString());
        return new ProgramContext(environment, log);
    }

    @Provides
    static Agent agent(AttachmentSource source, BackendRegistry backends, BackendContext context,
            AgentOptions options, System.Logger log) {
        return new Agent(source, new AppliedAttachments(options.stateDir(), log), backends, context);
    }
}
