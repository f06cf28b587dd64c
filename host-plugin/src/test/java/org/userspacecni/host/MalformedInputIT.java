package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.userspacecni.testkit.CniInvocation;

/**
 * A corpus of bad input given to the built plugin: each case gets its error code as one JSON object on
 * stdout, and nothing is created: no port, no lease, no directory, nowhere outside what was there.
 */
class MalformedInputIT {

    @TempDir
    static Path root;
    static PluginFixture fixture;

    @BeforeAll
    static void start() {
        fixture = new PluginFixture(root);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    static Stream<Arguments> corpus() {
        String good = fixture.config("1.0.0", "");
        return Stream.of(
                bad("truncated JSON", Map.of(), good.substring(0, good.length() / 2), 6),
                bad("empty stdin", Map.of(), "", 6),
                bad("a JSON array", Map.of(), "[" + good + "]", 6),
                bad("two documents", Map.of(), good + good, 6),
                bad("duplicate key", Map.of(), good.replace("{\"cniVersion\":\"1.0.0\",",
                        "{\"cniVersion\":\"1.0.0\",\"cniVersion\":\"1.0.0\","), 6),
                bad("host is a string", Map.of(), good.replaceFirst("\"host\":\\{[^}]*}", "\"host\":\"ovs\""), 6),
                bad("ipam is an array", Map.of(), good.replaceFirst("\"ipam\":.*}$", "\"ipam\":[1]}"), 6),
                bad("vlanId out of int range", Map.of(),
                        good.replace("\"netType\":\"bridge\"", "\"bridge\":{\"vlanId\":99999999999}"), 6),
                bad("vlanId out of VLAN range", Map.of(),
                        good.replace("\"netType\":\"bridge\"", "\"bridge\":{\"vlanId\":5000}"), 7),
                bad("deeply nested", Map.of(), "{\"a\":".repeat(5000) + "1" + "}".repeat(5000), 6),
                bad("huge network name", Map.of(), good.replace("\"userspace-net\"",
                        "\"" + "n".repeat(1_000_000) + "\""), 7),
                bad("CNI_CONTAINERID traversal", Map.of("CNI_CONTAINERID", "../../etc"), good, 4),
                bad("CNI_IFNAME traversal", Map.of("CNI_IFNAME", "../../etc"), good, 4),
                bad("network name traversal", Map.of(), good.replace("\"userspace-net\"", "\"../../etc\""), 7),
                bad("sharedDir traversal", Map.of(), good.replace(fixture.sharedDir().toString(),
                        fixture.sharedDir() + "/../../../etc"), 7),
                bad("socketfile traversal", Map.of(), good.replace("\"mode\":\"client\"",
                        "\"mode\":\"client\",\"socketfile\":\"../../etc/passwd\""), 7),
                bad("ipam type traversal", Map.of(), good.replace("\"type\":\"host-local\"",
                        "\"type\":\"../../bin/sh\""), 7),
                bad("unsupported version", Map.of(), good.replace("\"1.0.0\"", "\"0.2.0\""), 1),
                bad("unknown engine", Map.of(), good.replace("\"engine\":\"recording\"", "\"engine\":\"linux\""), 7),
                bad("unsupported iftype", Map.of(), good.replace("\"iftype\":\"vhostuser\"", "\"iftype\":\"tap\""), 2),
                bad("device-info traversal", Map.of(), good.replaceFirst("}$",
                        ",\"runtimeConfig\":{\"CNIDeviceInfoFile\":\"/tmp/../etc/devinfo.json\"}}"), 7),
                bad("device-info relative", Map.of(), good.replaceFirst("}$",
                        ",\"runtimeConfig\":{\"CNIDeviceInfoFile\":\"devinfo.json\"}}"), 7),
                bad("missing netns", Map.of("CNI_NETNS", "/var/run/netns/usrsp-no-such-netns"), good, 8),
                bad("CNI_CONTAINERID absolute", Map.of("CNI_CONTAINERID", "/etc"), good, 4),
                bad("CNI_CONTAINERID newline", Map.of("CNI_CONTAINERID", "abc\ndef"), good, 4),
                bad("CNI_CONTAINERID control character", Map.of("CNI_CONTAINERID", "abc\u0001def"), good, 4),
                bad("CNI_CONTAINERID very long", Map.of("CNI_CONTAINERID", "c".repeat(4096)), good, 4),
                bad("CNI_IFNAME slash", Map.of("CNI_IFNAME", "a/b"), good, 4),
                bad("CNI_IFNAME dot-dot", Map.of("CNI_IFNAME", ".."), good, 4),
                bad("CNI_IFNAME newline", Map.of("CNI_IFNAME", "net\n1"), good, 4),
                bad("CNI_IFNAME control character", Map.of("CNI_IFNAME", "net\u001b1"), good, 4),
                bad("CNI_IFNAME very long", Map.of("CNI_IFNAME", "n".repeat(4096)), good, 4),
                bad("netns relative", Map.of("CNI_NETNS", "proc/self/ns/net"), good, 4),
                bad("netns with ..", Map.of("CNI_NETNS", "/var/run/netns/../../etc"), good, 4),
                bad("netns /proc/self/../..", Map.of("CNI_NETNS", "/proc/self/../.."), good, 4),
                bad("socketfile absolute", Map.of(), good.replace("\"mode\":\"client\"",
                        "\"mode\":\"client\",\"socketfile\":\"/etc/passwd\""), 7),
                bad("socketfile dot-dot", Map.of(), good.replace("\"mode\":\"client\"",
                        "\"mode\":\"client\",\"socketfile\":\"..\""), 7),
                bad("socketfile newline", Map.of(), good.replace("\"mode\":\"client\"",
                        "\"mode\":\"client\",\"socketfile\":\"a\\nb\""), 7),
                bad("sharedDir relative", Map.of(), good.replace("\"" + fixture.sharedDir() + "\"", "\"shared\""), 7),
                bad("dataDir traversal", Map.of(), good.replace(fixture.dataDir().toString(),
                        fixture.dataDir() + "/../../../etc"), 7),
                bad("dataDir relative", Map.of(), good.replace("\"" + fixture.dataDir() + "\"", "\"data\""), 7),
                bad("logFile traversal", Map.of(), good.replace("\"dataDir\"",
                        "\"logFile\":\"" + root + "/../../etc/cron.d/x\",\"dataDir\""), 7),
                bad("logFile relative", Map.of(), good.replace("\"dataDir\"", "\"logFile\":\"plugin.log\",\"dataDir\""), 7),
                bad("ipam type absolute", Map.of(), good.replace("\"type\":\"host-local\"",
                        "\"type\":\"/bin/sh\""), 7),
                bad("ipam type with shell metacharacters", Map.of(), good.replace("\"type\":\"host-local\"",
                        "\"type\":\"host-local;reboot\""), 7),
                bad("network name with slash", Map.of(), good.replace("\"userspace-net\"", "\"a/b\""), 7),
                bad("network name with newline", Map.of(), good.replace("\"userspace-net\"", "\"a\\nb\""), 7));
    }

    /** Bytes that are not UTF-8 are a decoding error too; they cannot be written as a Java string. */
    @org.junit.jupiter.api.Test
    void bytesThatAreNotUtf8AreSixAndCreateNothing() throws IOException {
        byte[] stdin = fixture.config("1.0.0", "").replace("userspace-net", "net\u0000").getBytes(StandardCharsets.UTF_8);
        byte[] notUtf8 = new byte[stdin.length];
        for (int i = 0; i < stdin.length; i++) {
            notUtf8[i] = stdin[i] == 0 ? (byte) 0xc3 : stdin[i];
        }
        getsItsCodeAndCreatesNothing("not UTF-8", Map.of(), notUtf8, 6);
    }

    private static Arguments bad(String name, Map<String, String> env, String stdin, int code) {
        return Arguments.of(name, env, stdin.getBytes(StandardCharsets.UTF_8), code);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void getsItsCodeAndCreatesNothing(String name, Map<String, String> env, byte[] stdin, int code)
            throws IOException {
        CniInvocation plugin = fixture.attachment("c0ffee000001", "net1").env(env);
        CniInvocation.Outcome outcome = plugin.run("ADD", stdin);

        assertThat(outcome.exitCode()).as(outcome.stdout() + outcome.stderr()).isEqualTo(1);
        assertThat(outcome.stdout().strip().lines()).hasSize(1);
        assertThat(outcome.json().path("code").asInt()).as(outcome.stdout()).isEqualTo(code);
        assertThat(outcome.stdout()).doesNotContain("Exception");
        try (Stream<Path> created = Files.list(root)) {
            assertThat(created).as("created by: " + name).isEmpty();
        }
    }
}
