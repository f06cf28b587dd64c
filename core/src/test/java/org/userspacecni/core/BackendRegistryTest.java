package org.userspacecni.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.userspacecni.spi.CniException;

class BackendRegistryTest {

    private final CniLog log = new CniLog("test", System.err);

    @Test
    void anEngineThatIsNotInstalledIsInvalidConfigListingTheInstalledOnes() {
        BackendRegistry registry = new BackendRegistry(List.of(TestProvider.of("vpp"), TestProvider.of("ovs-dpdk")),
                log);
        assertThatThrownBy(() -> registry.provider("linux"))
                .isInstanceOfSatisfying(CniException.class, e -> {
                    assertThat(e.code()).isEqualTo(7);
                    assertThat(e.getMessage()).isEqualTo("unknown engine 'linux' (installed: ovs-dpdk, vpp)");
                });
        assertThat(registry.provider("vpp").engine()).isEqualTo("vpp");
        assertThat(registry.installed("linux")).isFalse();
    }

    @Test
    void saysSoWhenNoEngineIsInstalled() {
        assertThatThrownBy(() -> new BackendRegistry(List.of(), log).provider("ovs-dpdk"))
                .hasMessage("unknown engine 'ovs-dpdk' (none is installed)");
    }

    @Test
    void twoProvidersOfOneEngineAreInvalidConfigNamingBoth() {
        assertThatThrownBy(() -> new BackendRegistry(List.of(TestProvider.of("vpp"), new TestProvider("vpp", "1.1")),
                log))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(7))
                .hasMessage("two providers of engine 'vpp': " + TestProvider.class.getName() + " and "
                        + TestProvider.class.getName());
    }

    @Test
    void theModuleFindsNoProviderWhenNoBackendIsOnTheClassPath() {
        assertThat(BackendRegistry.load(ProviderLoader.of(BackendRegistryTest.class), System.getLogger("test")).builds())
                .isEmpty();
    }
}
