package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.Json;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.core.fuzz.CniErrorShape;
import org.userspacecni.core.fuzz.HostileInput;
import org.userspacecni.core.fuzz.Property;
import org.userspacecni.testkit.recording.RecordingBackend;

/**
 * The whole plugin in this JVM ({@link Main#run}) for every command, given hostile stdin and environments whose
 * roots (data, shared sockets, log, the engine's sockets) all lie in a private directory, with the recording
 * engine as the switch and no IPAM plugin on CNI_PATH. stdout is exactly one JSON document, a result or an
 * error with cniVersion, an integer code the specification defines and a message; the exit code says which; no
 * exception reaches stdout; and after an error the directory is byte for byte what it was, the log aside.
 * Inputs per run: 6 commands × 250 invocations (see {@link Property} to reproduce).
 */
class HostilePluginRunTest {

    @TempDir
    Path root;

    record Invocation(CniCommand command, Map<String, String> variables, byte[] stdin) {

        @Override
        public String toString() {
            return command + " " + variables + " stdin: " + Property.show(stdin);
        }
    }

    ObjectNode validConfig() {
        return NetConfDecoder.parseObject(("{\"cniVersion\":\"1.1.0\",\"name\":\"net\",\"type\":\"userspace\","
                + "\"dataDir\":\"" + root.resolve("data") + "\",\"sharedDir\":\"" + root.resolve("shared") + "\","
                + "\"logFile\":\"" + log() + "\",\"logLevel\":\"debug\","
                + "\"host\":{\"engine\":\"recording\",\"iftype\":\"vhostuser\",\"netType\":\"bridge\","
                + "\"vhost\":{\"mode\":\"client\"}},"
                + "\"cni.dev/valid-attachments\":[{\"containerID\":\"c0ffee0123456789\",\"ifname\":\"net1\"}]}")
                .getBytes(StandardCharsets.UTF_8));
    }

    Path log() {
        return root.resolve("log/plugin.log");
    }

    Invocation invocation(SplittableRandom random, CniCommand command) {
        Map<String, String> variables = new TreeMap<>(HostileEnvironmentTest.environment(random));
        variables.computeIfPresent(CniCommand.Env.PATH, (name, value) -> root.resolve("cni-bin").toString());
        // Every engine's way out of the directory leads back into it: never the node's own OVS or VPP.
        variables.put(RecordingBackend.DIR_VARIABLE, root.resolve("switch").toString());
        variables.put("USERSPACE_CNI_OVSDB_SOCKET", root.resolve("ovs/db.sock").toString());
        variables.put("USERSPACE_CNI_VPP_API_SOCKET", root.resolve("vpp/api.sock").toString());
        variables.put("USERSPACE_CNI_SOCKET_LINK_DIR", root.resolve("links").toString());
        variables.put("USERSPACE_CNI_KUBELET_DIR", root.resolve("kubelet").toString());
        variables.put("USERSPACE_CNI_SERVICE_ACCOUNT_DIR", root.resolve("account").toString());
        byte[] stdin;
        switch (random.nextInt(4)) {
            case 0:
                stdin = HostileInput.bytes(random);
                break;
            case 1:
                stdin = HostileInput.text(HostileInput.mutation(random, validConfig()));
                break;
            case 2:
                stdin = HostileInput.text(contained(HostileInput.mutation(random, validConfig())));
                break;
            default:
                stdin = HostileInput.text(contained(validConfig()));
        }
        return new Invocation(command, variables, stdin);
    }

    /** {@code config} with every absolute path setting pointing into the directory, so that an accepted one writes only there. */
    ObjectNode contained(ObjectNode config) {
        for (String key : new String[] {"dataDir", "sharedDir", "logFile", "kubeconfig"}) {
            JsonNode value = config.get(key);
            if (value != null && value.isTextual() && value.textValue().startsWith("/")
                    && !value.textValue().startsWith(root.toString())) {
                config.put(key, key.equals("logFile") ? log().toString() : root.resolve(key).toString());
            }
        }
        config.remove("runtimeConfig");
        return config;
    }

    @Test
    void everyCommandAnswersOneCniDocumentAndAnErrorWritesNothing() {
        for (CniCommand command : CniCommand.values()) {
            Property.forAll(250, random -> invocation(random, command), this::answersOneDocument);
        }
    }

    void answersOneDocument(Invocation invocation) {
        byte[] stdin = invocation.stdin();
        boolean escapes = invocation.command() != CniCommand.VERSION && escapesTheRoot(stdin);
        if (escapes) {
            // An accepted configuration would write where it says: only its refusal is checked below.
            stdin = HostileInput.text(contained(NetConfDecoder.parseObject(stdin)));
        }
        Map<Path, String> before = tree();
        InProcessPlugin plugin = new InProcessPlugin();
        invocation.variables().forEach(plugin::env);
        InProcessPlugin.Outcome outcome = plugin.run(invocation.command().name(), stdin);

        assertThat(outcome.stdout()).as(outcome.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
        if (outcome.stdout().isEmpty()) {
            assertThat(outcome.exitCode()).isZero();
            assertThat(invocation.command()).isIn(CniCommand.DEL, CniCommand.CHECK, CniCommand.GC,
                    CniCommand.STATUS);
            return;
        }
        assertThat(outcome.stdout().strip().lines()).hasSize(1);
        JsonNode answer = outcome.json();
        assertThat(answer.path("cniVersion").isTextual()).as(outcome.stdout()).isTrue();
        if (outcome.exitCode() == 0) {
            assertThat(answer.has("code")).as(outcome.stdout()).isFalse();
            return;
        }
        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(answer.path("code").isInt()).as(outcome.stdout()).isTrue();
        assertThat(CniErrorShape.SPEC_CODES).as(outcome.stdout() + outcome.stderr()).contains(answer.path("code").asInt());
        assertThat(answer.path("msg").isTextual() && !answer.path("msg").asText().isBlank()).as(outcome.stdout())
                .isTrue();
        assertThat(tree()).as("the directory after " + outcome.stdout()).isEqualTo(before);
    }

    /** Whether stdin parses to a configuration with a path setting outside the directory. */
    boolean escapesTheRoot(byte[] stdin) {
        try {
            ObjectNode config = NetConfDecoder.parseObject(stdin);
            return !Json.mapper().valueToTree(contained(config.deepCopy())).equals(config);
        } catch (org.userspacecni.spi.CniException notAnObject) {
            return false;
        }
    }

    /** Every file and directory under the root with its contents, the plugin's log and the engine's journal aside. */
    Map<Path, String> tree() {
        Map<Path, String> tree = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.filter(path -> !path.startsWith(log().getParent()))
                    .filter(path -> !path.equals(root.resolve("switch/journal")))
                    .forEach(path -> tree.put(root.relativize(path), contents(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tree;
    }

    static String contents(Path path) {
        try {
            return Files.isDirectory(path) ? "dir" : Arrays.toString(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
