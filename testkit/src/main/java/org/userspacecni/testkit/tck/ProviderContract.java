package org.userspacecni.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.SpiVersion;

/**
 * The contract of a backend's {@link DatapathBackendProvider}, which the programs find through
 * {@link java.util.ServiceLoader}: its {@code META-INF/services} entry is present and names it, it is found
 * once under its engine name, it was built for an SPI version this SPI runs, and it creates a backend that
 * says which interface types it attaches. Extend it with the engine's name: {@code class OvsProviderTest extends ProviderContract}.
 */
public abstract class ProviderContract {

    /** The engine name the provider answers to. */
    protected abstract String engine();

    @Test
    void isFoundOnceThroughServiceLoaderUnderItsEngineName() {
        assertThat(BackendUnderTest.provider(engine()).engine()).isEqualTo(engine());
    }

    @Test
    void isListedInTheServicesFileOfItsOwnJar() throws IOException {
        Class<?> type = BackendUnderTest.provider(engine()).getClass();
        String services = "META-INF/services/" + DatapathBackendProvider.class.getName();
        URL own = type.getProtectionDomain().getCodeSource().getLocation();
        List<URL> files = Collections.list(type.getClassLoader().getResources(services));
        assertThat(files).as("services files on the class path").isNotEmpty();
        boolean listed = false;
        for (URL file : files) {
            if (file.toString().contains(own.getPath())) {
                try (InputStream in = file.openStream()) {
                    listed |= new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                            .map(line -> line.replaceAll("#.*", "").strip()).anyMatch(type.getName()::equals);
                }
            }
        }
        assertThat(listed).as(type.getName() + " listed in " + services + " of " + own).isTrue();
    }

    @Test
    void isAPublicClassWithAPublicNoArgumentConstructor() throws NoSuchMethodException {
        Class<?> type = BackendUnderTest.provider(engine()).getClass();
        assertThat(Modifier.isPublic(type.getModifiers())).as(type + " is public").isTrue();
        assertThat(Modifier.isPublic(type.getConstructor().getModifiers())).isTrue();
    }

    @Test
    void hasAnEngineNameThatAConfigurationCanSpell() {
        assertThat(engine()).matches("[a-z0-9][a-z0-9.-]*");
    }

    @Test
    void reportsAnSpiVersionThisSpiRuns() {
        String builtFor = BackendUnderTest.provider(engine()).spiVersion();
        assertThat(SpiVersion.runs(builtFor)).as("built for SPI " + builtFor + ", running on " + SpiVersion.CURRENT)
                .isTrue();
    }

    @Test
    void createsABackendThatAttachesAtLeastOneInterfaceTypeAndClosesTwice() {
        DatapathBackend backend = BackendUnderTest.create(engine(), Map.of());
        assertThat(backend.interfaceTypes()).isNotEmpty();
        assertThat(backend.host()).isNotNull();
        assertThat(backend.container()).isNotNull();
        backend.close();
        backend.close();
    }
}
