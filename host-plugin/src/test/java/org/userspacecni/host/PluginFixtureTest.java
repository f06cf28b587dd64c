package org.userspacecni.host;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** An integration test with a fresh {@link PluginFixture} (temporary directory, network namespace) per test. */
abstract class PluginFixtureTest {

    @TempDir
    Path root;
    PluginFixture fixture;

    @BeforeEach
    void startFixture() {
        fixture = new PluginFixture(root);
    }

    @AfterEach
    void stopFixture() {
        fixture.close();
    }
}
