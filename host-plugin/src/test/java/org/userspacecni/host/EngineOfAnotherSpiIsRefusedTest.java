package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.SpiVersion;

/**
 * An engine whose provider was built for an SPI the plugin does not provide is refused: ADD and DEL of its
 * networks fail with error 7 naming it (an earlier build may have made ports DEL must not forget), while the
 * networks of the other engines work and the refusal is a warning on stderr.
 */
class EngineOfAnotherSpiIsRefusedTest extends RecordingEngineTest {

    private URLClassLoader withFutureEngine;

    @BeforeEach
    void futureEngineOnTheClassPath() throws IOException {
        Path services = Files.createDirectories(dir.resolve("future/META-INF/services"));
        Files.writeString(services.resolve(DatapathBackendProvider.class.getName()),
                FutureSpiBackendProvider.class.getName() + "\n");
        withFutureEngine = new URLClassLoader(new URL[] {dir.resolve("future").toUri().toURL()},
                getClass().getClassLoader());
        plugin.providers(withFutureEngine);
    }

    @AfterEach
    void closeTheLoader() throws IOException {
        withFutureEngine.close();
    }

    @Test
    void addOfTheRefusedEngineIsSevenNamingTheProviderItsJarAndBothVersions() throws Exception {
        ErrorCodeTest.assertError(plugin.run("ADD", future()), 7, "engine 'future' cannot be used: its provider "
                + FutureSpiBackendProvider.class.getName() + " from "
                + Path.of(FutureSpiBackendProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + " was built for SPI 3.0, and this program provides SPI " + SpiVersion.CURRENT + "; install a build"
                + " of that backend for SPI " + SpiVersion.MAJOR + ".x, up to " + SpiVersion.CURRENT);
        assertThat(dir.resolve("switch/ports")).doesNotExist();
    }

    @Test
    void theOtherEnginesWorkAndTheRefusalIsAWarning() {
        InProcessPlugin.Outcome added = plugin.run("ADD", config("1.1.0", ""));
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        assertThat(added.json().at("/interfaces/0/name").asText()).isEqualTo("net1");
        assertThat(added.stderr()).contains("[warning]").contains("engine 'future' cannot be used");
        assertThat(plugin.run("DEL", config("1.1.0", "")).exitCode()).isZero();
    }

    @Test
    void delOfTheRefusedEngineFailsWhileDelOfAnEngineNotInstalledSucceeds() {
        ErrorCodeTest.assertError(plugin.run("DEL", future()), 7, "engine 'future' cannot be used");
        assertThat(plugin.run("DEL", config("1.1.0", "").replace("\"recording\"", "\"linux\"")).exitCode()).isZero();
    }

    private String future() {
        return config("1.1.0", "").replace("\"engine\":\"recording\"", "\"engine\":\"future\"");
    }
}
