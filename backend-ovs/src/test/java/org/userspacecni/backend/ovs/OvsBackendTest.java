package org.userspacecni.backend.ovs;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.SpiVersion;
import org.userspacecni.testkit.ArchitectureRules;

/** The engine is found through its ServiceLoader entry, and keeps the architecture rules. */
@AnalyzeClasses(packages = "org.userspacecni.backend.ovs", importOptions = ImportOption.DoNotIncludeTests.class)
class OvsBackendTest {

    @ArchTest
    static final ArchRule nobodyWritesToStdout = ArchitectureRules.onlyWritesToStdout("none");

    @ArchTest
    static final ArchRule noExit = ArchitectureRules.NO_EXIT_OUTSIDE_MAIN;

    @ArchTest
    static final ArchRule noCycles = ArchitectureRules.NO_PACKAGE_CYCLES;

    @Test
    void serviceLoaderFindsTheOvsDpdkEngine() {
        assertThat(ServiceLoader.load(DatapathBackendProvider.class))
                .filteredOn(provider -> provider instanceof OvsDpdkBackendProvider)
                .singleElement()
                .satisfies(provider -> {
                    assertThat(provider.engine()).isEqualTo("ovs-dpdk");
                    assertThat(provider.spiVersion()).isEqualTo(SpiVersion.CURRENT);
                    assertThat(provider.create(new ProgramContext(Map.of(), new CniLog("test", System.err)))
                            .interfaceTypes()).containsExactly(InterfaceType.VHOSTUSER);
                });
    }
}
