package org.userspacecni.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.SpiVersion;
import org.userspacecni.spi.DatapathBackendProvider;

/**
 * A provider built for an SPI this program cannot run is not used: asking for its engine fails with error 7
 * naming the engine, the provider, its jar, both versions and what to install; the other engines work. (An older
 * minor version than this program's is accepted; {@code SpiVersionTest} shows the rule, and a provider for 2.0 runs on 2.0 below.)
 */
class IncompatibleProviderIsRefusedTest {

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final CniLog log = new CniLog("test", new PrintStream(stderr, true));

    @Test
    void aProviderBuiltForThisVersionIsUsed() {
        BackendRegistry registry = new BackendRegistry(List.of(new TestProvider("fast", "2.0")), log);
        assertThat(registry.provider("fast").engine()).isEqualTo("fast");
        assertThat(registry.engines()).containsExactly("fast");
        assertThat(registry.builds().get("fast").builtFor()).isEqualTo("for SPI 2.0");
        assertThat(stderr.toString()).isEmpty();
    }

    @Test
    void aProviderForANewerMinorIsRefusedNamingItsJarBothVersionsAndWhatToInstall() {
        String newer = SpiVersion.MAJOR + "." + (SpiVersion.MINOR + 1);
        BackendRegistry registry = new BackendRegistry(List.of(new TestProvider("fast", newer)), log);
        assertThatThrownBy(() -> registry.provider("fast"))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(7))
                .hasMessage("engine 'fast' cannot be used: its provider org.userspacecni.core.TestProvider from "
                        + ProviderJar.locationOf(TestProvider.class) + " was built for SPI " + newer + ", and this"
                        + " program provides SPI " + SpiVersion.CURRENT + "; install a build of that backend for SPI "
                        + SpiVersion.MAJOR + ".x, up to " + SpiVersion.CURRENT);
        assertThat(registry.engines()).isEmpty();
        assertThat(registry.installed("fast")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1", "3.0", "0.1"})
    void aProviderForAnotherMajorIsRefused(String builtFor) {
        assertThatThrownBy(() -> new BackendRegistry(List.of(new TestProvider("fast", builtFor)), log).provider("fast"))
                .hasMessageContaining("was built for SPI " + builtFor + ", and this program provides SPI "
                        + SpiVersion.CURRENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.0.0", "one", "1.0-SNAPSHOT"})
    void aProviderWithAVersionThatIsNoVersionIsRefused(String builtFor) {
        assertThatThrownBy(() -> new BackendRegistry(List.of(new TestProvider("fast", builtFor)), log).provider("fast"))
                .hasMessageContaining("engine 'fast' cannot be used");
        assertThatThrownBy(() -> new BackendRegistry(List.of(new TestProvider("fast", null)), log).provider("fast"))
                .hasMessageContaining("was built for SPI null,");
    }

    @Test
    void aProviderBuiltBeforeVersionsIsRefusedNamingItsJar(@TempDir Path dir) throws Exception {
        try (ProviderJar old = ProviderJar.build(dir, "LegacyProvider", """
                import org.userspacecni.spi.BackendContext;
                import org.userspacecni.spi.DatapathBackend;
                import org.userspacecni.spi.DatapathBackendProvider;

                public class LegacyProvider implements DatapathBackendProvider {
                    public String engine() {
                        return "legacy";
                    }

                    public DatapathBackend create(BackendContext context) {
                        throw new UnsupportedOperationException();
                    }
                }
                """, ProviderJar.SPI_0_1_0)) {
            DatapathBackendProvider legacy = old.instance("LegacyProvider", DatapathBackendProvider.class);
            assertThatThrownBy(legacy::spiVersion).isInstanceOf(AbstractMethodError.class);

            BackendRegistry registry = new BackendRegistry(List.of(legacy), log);
            assertThatThrownBy(() -> registry.provider("legacy"))
                    .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(7))
                    .hasMessage("engine 'legacy' cannot be used: its provider LegacyProvider from " + old.jar()
                            + " was built for an SPI from before versions (it has no spiVersion()), and this program"
                            + " provides SPI " + SpiVersion.CURRENT + "; install a build of that backend for SPI "
                            + SpiVersion.MAJOR + ".x, up to " + SpiVersion.CURRENT);
        }
    }

    @Test
    void aRefusedProviderOfAnotherEngineLeavesTheOthersWorkingAndIsLogged() {
        BackendRegistry registry = new BackendRegistry(List.of(new TestProvider("old", "1.1"), TestProvider.of("vpp")),
                log);
        assertThat(registry.provider("vpp").engine()).isEqualTo("vpp");
        assertThat(registry.engines()).containsExactly("vpp");
        assertThat(registry.builds()).containsOnlyKeys("old", "vpp");
        assertThat(stderr.toString()).contains("[warning]").contains("engine 'old' cannot be used")
                .doesNotContain("engine 'vpp'");
        assertThatThrownBy(() -> registry.provider("linux")).hasMessage("unknown engine 'linux' (installed: vpp)");
    }
}
