package org.userspacecni.host;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of the plugin run in this JVM with the recording engine: a private directory for the engine's
 * ports, the plugin's data and the shared sockets, and a configuration of network {@code net}.
 */
abstract class RecordingEngineTest {

    @TempDir
    Path dir;
    InProcessPlugin plugin;

    @BeforeEach
    void environment() {
        plugin = EnvironmentValidationTest.full().env("RECORDING_BACKEND_DIR", dir.resolve("switch").toString());
    }

    /** A configuration in {@code version}; {@code more} is appended inside it. */
    String config(String version, String more) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"net\",\"type\":\"userspace\",\"dataDir\":\""
                + dir.resolve("data") + "\",\"sharedDir\":\"" + dir.resolve("shared") + "\","
                + "\"host\":{\"engine\":\"recording\",\"iftype\":\"vhostuser\"}" + more + "}";
    }
}
