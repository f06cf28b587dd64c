package org.userspacecni.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.userspacecni.core.Json;
import org.userspacecni.core.ProviderLoader;

/** Runs {@link Main#run} in this JVM with a given environment and stdin, capturing both output streams. */
final class InProcessPlugin {

    record Outcome(int exitCode, String stdout, String stderr) {

        JsonNode json() {
            try {
                return Json.mapper().readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("stdout is not one JSON document: " + stdout, e);
            }
        }

        int code() {
            return json().path("code").asInt();
        }

        String msg() {
            return json().path("msg").asText();
        }
    }

    private final Map<String, String> environment = new HashMap<>();
    private ProviderLoader providers = ProviderLoader.of(InProcessPlugin.class);

    /** Runs with the providers {@code loader} offers rather than those of the test's class path. */
    InProcessPlugin providers(ClassLoader loader) {
        providers = new ProviderLoader(loader);
        return this;
    }

    InProcessPlugin env(String name, String value) {
        if (value == null) {
            environment.remove(name);
        } else {
            environment.put(name, value);
        }
        return this;
    }

    Outcome run(String command, String stdin) {
        return run(command, stdin.getBytes(StandardCharsets.UTF_8));
    }

    Outcome run(String command, byte[] stdin) {
        Map<String, String> variables = new HashMap<>(environment);
        if (command != null) {
            variables.put("CNI_COMMAND", command);
        }
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int exit = Main.run(variables, new ByteArrayInputStream(stdin),
                new CniOutput(new PrintStream(stdout, true, StandardCharsets.UTF_8)),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), providers);
        return new Outcome(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }
}
