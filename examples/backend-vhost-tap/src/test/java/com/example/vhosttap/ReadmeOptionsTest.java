package com.example.vhosttap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.userspacecni.core.EngineOptionsTable;

/**
 * The README's table of options is the engine's declaration of them, as the configuration reference shows every
 * installed engine's: a change to one without the other fails here.
 */
class ReadmeOptionsTest {

    @Test
    void theReadmeShowsTheDeclaredOptions() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("basedir", "."), "README.md"));
        assertThat(readme).contains(EngineOptionsTable.of(new VhostTapBackendProvider()));
    }
}
