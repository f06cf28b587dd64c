package org.userspacecni.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.SpiVersion;

/**
 * The contract of a backend's {@link DatapathBackendProvider}, which the programs find through
 * {@link java.util.ServiceLoader}: its {@code META-INF/services} entry is present and names it, it is found
 * once under its engine name, it was built for an SPI version this SPI runs, and it creates a backend that
 * says which interface types it attaches: a configuration naming each of them, built in or the engine's own,
 * decodes and is taken, and one naming a type it does not declare is refused with code 2 naming those it does. Extend it with the engine's name: {@code class OvsProviderTest extends ProviderContract}.
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

    @Test
    void takesAConfigurationOfEveryInterfaceTypeItDeclares() {
        try (DatapathBackend backend = BackendUnderTest.create(engine(), Map.of())) {
            for (InterfaceType type : backend.interfaceTypes()) {
                Side host = hostSection(type.name());
                assertThat(host.iftype()).as("iftype " + type + " decoded").isEqualTo(type);
                assertThatCode(() -> backend.requireInterfaceType("host", host)).as("iftype " + type)
                        .doesNotThrowAnyException();
                assertThatCode(() -> backend.requireInterfaceType("container", host)).as("iftype " + type)
                        .doesNotThrowAnyException();
            }
        }
    }

    @Test
    void refusesAnInterfaceTypeItDoesNotDeclareWithCode2NamingTheTypesItTakes() {
        try (DatapathBackend backend = BackendUnderTest.create(engine(), Map.of())) {
            String undeclared = "tck-undeclared";
            assertThat(backend.interfaceTypes()).doesNotContain(InterfaceType.of(undeclared));
            CniException refused = catchThrowableOfType(CniException.class,
                    () -> backend.requireInterfaceType("host", hostSection(undeclared)));
            assertThat(refused).as("iftype " + undeclared).isNotNull();
            assertThat(refused.code()).isEqualTo(ErrorCode.UNSUPPORTED_FIELD.code());
            assertThat(refused.getMessage()).contains("host.iftype", undeclared, engine());
            backend.interfaceTypes().forEach(type -> assertThat(refused.getMessage()).contains(type.name()));
        }
    }

    /** A host section of this engine with interface type {@code iftype}, decoded as the plugin decodes stdin. */
    private Side hostSection(String iftype) {
        return BackendUnderTest.netConf("{\"cniVersion\":\"1.1.0\",\"name\":\"tck\",\"type\":\"userspace\","
                + "\"host\":{\"engine\":\"" + engine() + "\",\"iftype\":\"" + iftype + "\"}}").host();
    }
}
