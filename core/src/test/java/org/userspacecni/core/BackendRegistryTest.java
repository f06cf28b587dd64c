package org.userspacecni.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;

class BackendRegistryTest {

    @Test
    void anEngineThatIsNotInstalledIsInvalidConfigListingTheInstalledOnes() {
        BackendRegistry registry = new BackendRegistry(Map.of("vpp", provider("vpp"), "ovs-dpdk", provider("ovs-dpdk")));
        assertThatThrownBy(() -> registry.provider("linux"))
                .isInstanceOfSatisfying(CniException.class, e -> {
                    assertThat(e.code()).isEqualTo(7);
                    assertThat(e.getMessage()).isEqualTo("unknown engine 'linux' (installed: ovs-dpdk, vpp)");
                });
        assertThat(registry.provider("vpp").engine()).isEqualTo("vpp");
    }

    @Test
    void saysSoWhenNoEngineIsInstalled() {
        assertThatThrownBy(() -> new BackendRegistry(Map.of()).provider("ovs-dpdk"))
                .hasMessage("unknown engine 'ovs-dpdk' (none is installed)");
    }

    @Test
    void theModuleFindsNoProviderWhenNoBackendIsOnTheClassPath() {
        assertThat(BackendRegistryModule.providers()).isEmpty();
    }

    private static DatapathBackendProvider provider(String engine) {
        return new DatapathBackendProvider() {
            @Override
            public String engine() {
                return engine;
            }

            @Override
            public DatapathBackend create(BackendContext context) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
