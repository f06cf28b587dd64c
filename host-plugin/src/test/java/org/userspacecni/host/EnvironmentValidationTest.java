package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The CNI environment is validated as the reference Go harness validates it: code 4, naming the problem. */
class EnvironmentValidationTest {

    static final String CONFIG = "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"userspace\","
            + "\"host\":{\"engine\":\"recording\",\"iftype\":\"vhostuser\"}}";

    @Test
    void withoutCniCommandItPrintsAnAboutLineToStderrAndExitsZero() {
        InProcessPlugin.Outcome outcome = new InProcessPlugin().run(null, "");
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.stdout()).isEmpty();
        assertThat(outcome.stderr()).startsWith("CNI userspace plugin").contains("1.1.0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ADD    | required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,CNI_PATH] missing",
        "CHECK  | required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,CNI_PATH] missing",
        "DEL    | required env variables [CNI_CONTAINERID,CNI_IFNAME,CNI_PATH] missing",
        "GC     | required env variables [CNI_PATH] missing",
        "STATUS | required env variables [CNI_PATH] missing",
    })
    void missingVariablesAreCodeFourNamingThem(String command, String message) {
        InProcessPlugin.Outcome outcome = new InProcessPlugin().run(command, CONFIG);
        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.code()).isEqualTo(4);
        assertThat(outcome.msg()).isEqualTo(message);
    }

    @Test
    void anEmptyVariableCountsAsMissing() {
        InProcessPlugin.Outcome outcome = full().env("CNI_NETNS", "").run("ADD", CONFIG);
        assertThat(outcome.msg()).isEqualTo("required env variables [CNI_NETNS] missing");
    }

    @Test
    void delNeedsNoNetns(@TempDir Path dir) {
        String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"userspace\",\"dataDir\":\""
                + dir.resolve("data") + "\",\"host\":{\"engine\":\"recording\",\"iftype\":\"vhostuser\"}}";
        InProcessPlugin.Outcome outcome = full().env("CNI_NETNS", null)
                .env("RECORDING_BACKEND_DIR", dir.resolve("switch").toString()).run("DEL", config);
        assertThat(outcome.exitCode()).as(outcome.stdout()).isZero();
        assertThat(outcome.stdout()).isEmpty();
    }

    @Test
    void versionNeedsNothing() {
        InProcessPlugin.Outcome outcome = new InProcessPlugin().run("VERSION", "");
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.json().path("supportedVersions")).isNotEmpty();
    }

    @Test
    void anUnknownCommandIsCodeFour() {
        InProcessPlugin.Outcome outcome = full().run("UPDATE", CONFIG);
        assertThat(outcome.code()).isEqualTo(4);
        assertThat(outcome.msg()).isEqualTo("unknown CNI_COMMAND: UPDATE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc", "-abc", ".hidden", "a/b", "a b", "abc;rm", "_x"})
    void containerIdsMustStartAlphanumericAndUseOnlySafeCharacters(String id) {
        InProcessPlugin.Outcome outcome = full().env("CNI_CONTAINERID", id).run("ADD", CONFIG);
        assertThat(outcome.code()).isEqualTo(4);
        assertThat(outcome.msg()).isEqualTo("invalid characters in containerID");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "abcdefghijklmnop | interface name is too long",
        ".                | interface name is . or ..",
        "..               | interface name is . or ..",
        "../../etc        | interface name contains / or : or whitespace characters",
        "net:1            | interface name contains / or : or whitespace characters",
        "'net 1'          | interface name contains / or : or whitespace characters",
    })
    void interfaceNamesFollowTheSpecsRules(String name, String message) {
        InProcessPlugin.Outcome outcome = full().env("CNI_IFNAME", name).run("ADD", CONFIG);
        assertThat(outcome.code()).isEqualTo(4);
        assertThat(outcome.msg()).isEqualTo(message);
    }

    @Test
    void interfaceNamesCountBytesNotCharacters() {
        assertThat(full().env("CNI_IFNAME", "éééééééé").run("ADD", CONFIG).msg())
                .isEqualTo("interface name is too long");
    }

    @Test
    void cniArgsMustBeKeyValuePairs() {
        InProcessPlugin.Outcome outcome = full().env("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME").run("ADD", CONFIG);
        assertThat(outcome.code()).isEqualTo(4);
        assertThat(outcome.msg()).contains("CNI_ARGS").contains("K8S_POD_NAME");
    }

    @Test
    void aRelativeNetnsPathIsCodeFour() {
        assertThat(full().env("CNI_NETNS", "netns/ctr").run("ADD", CONFIG).code()).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/proc/self/../..", "/var/run/netns/../../etc", "/var/run/netns/./x", "/var//run/netns/x",
        "/var/run/netns/x/", "/var/run/netns/x\ny", "/", "/\ud800/ctr"})
    void aNetnsPathThatIsNotNormalizedIsCodeFour(String netns) {
        assertThat(full().env("CNI_NETNS", netns).run("ADD", CONFIG).code()).isEqualTo(4);
    }

    static InProcessPlugin full() {
        return new InProcessPlugin()
                .env("CNI_CONTAINERID", "c0ffee0123456789")
                .env("CNI_NETNS", "/proc/self/ns/net")
                .env("CNI_IFNAME", "net1")
                .env("CNI_PATH", "/usr/lib/cni");
    }
}
