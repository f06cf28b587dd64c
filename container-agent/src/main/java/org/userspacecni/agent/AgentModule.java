package org.userspacecni.agent;

import dagger.Module;
import dagger.Provides;
import java.util.HashMap;
import java.util.Map;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.store.FileConfigStore;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.ConfigStore;

/**
 * The agent's own parts: the container's view of the config store, and the context its backends get, in
 * which {@code --ovsdb} and {@code --vpp-api} name the container's OVS database and VPP API socket.
 */
@Module
interface AgentModule {

    @Provides
    static ConfigStore store(AgentOptions options, System.Logger log) {
        return FileConfigStore.containerView(options.dataDir(), log);
    }

    @Provides
    static BackendContext context(AgentOptions options, System.Logger log) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put("USERSPACE_CNI_OVSDB_SOCKET", options.ovsdbSocket());
        environment.put("USERSPACE_CNI_VPP_API_SOCKET", options.vppApi().toString());
        return new ProgramContext(environment, log);
    }

    @Provides
    static Agent agent(ConfigStore store, AgentOptions options, BackendRegistry backends, BackendContext context) {
        return new Agent(store, options.dataDir(), options.sharedDir(), backends, context);
    }
}
