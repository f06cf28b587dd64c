package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.Json;

/**
 * ADD, CHECK, DEL and VERSION, each in a JVM of its own as a runtime runs the plugin, read and write their JSON
 * without building an {@code ObjectMapper} or binding a class: a fresh JVM pays tens of milliseconds for either.
 * The commands succeed (the stored configuration and the journal are written and read), so the classes they
 * load are those of the whole command.
 */
class CniPathBuildsNoMapperTest {

    @TempDir
    Path dir;

    @Test
    void noCommandBuildsAMapper() throws Exception {
        String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"net\",\"type\":\"userspace\",\"dataDir\":\""
                + dir.resolve("data") + "\",\"sharedDir\":\"" + dir.resolve("shared") + "\","
                + "\"host\":{\"engine\":\"recording\",\"iftype\":\"vhostuser\",\"vhost\":{\"mode\":\"server\"}}}";
        Run add = run("ADD", config);
        assertThat(add.exitCode()).as(add.output()).isZero();
        assertThat(dir.resolve("data/mapper000001/net1.json")).exists();
        JsonNode result = Json.readTree(add.stdout().getBytes(StandardCharsets.UTF_8));
        String check = config.substring(0, config.length() - 1) + ",\"prevResult\":" + add.stdout().trim() + "}";
        Run checked = run("CHECK", check);
        assertThat(checked.exitCode()).as(checked.output()).isZero();
        Run del = run("DEL", config);
        assertThat(del.exitCode()).as(del.output()).isZero();
        assertThat(dir.resolve("data/mapper000001/net1.json")).doesNotExist();
        Run version = run("VERSION", config);
        assertThat(version.exitCode()).as(version.output()).isZero();
        assertThat(result.path("interfaces").path(0).path("name").asText()).isEqualTo("net1");
        for (Run run : List.of(add, checked, del, version)) {
            assertThat(run.classes()).as(run.command()).contains("org.userspacecni.host.Main ")
                    .doesNotContain("com.fasterxml.jackson.databind.ObjectMapper ")
                    .doesNotContain("com.fasterxml.jackson.databind.deser.BeanDeserializer ")
                    .doesNotContain("com.fasterxml.jackson.databind.ser.BeanSerializer ");
        }
    }

    record Run(String command, int exitCode, String stdout, String output, String classes) {
    }

    /** The plugin run with {@code command} in a JVM of its own, with its class-loading log. */
    private Run run(String command, String stdin) throws Exception {
        Path log = dir.resolve(command + ".classes");
        Path stdout = dir.resolve(command + ".out");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()).redirectOutput(stdout.toFile()).redirectErrorStream(false);
        builder.environment().put("CNI_COMMAND", command);
        builder.environment().put("CNI_CONTAINERID", "mapper000001");
        builder.environment().put("CNI_IFNAME", "net1");
        builder.environment().put("CNI_NETNS", "/proc/self/ns/net");
        builder.environment().put("CNI_PATH", dir.toString());
        builder.environment().put("RECORDING_BACKEND_DIR", dir.resolve("switch").toString());
        Process process = builder.start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        String out = Files.readString(stdout);
        return new Run(command, exit, out, out + stderr, Files.readString(log));
    }
}
