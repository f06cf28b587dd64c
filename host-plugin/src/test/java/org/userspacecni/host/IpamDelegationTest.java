package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IPAM delegation against a small IPAM plugin that speaks the CNI protocol from a shell script
 * ({@code fake-ipam} in the test resources) and writes down every call: GC and STATUS reach a plugin that speaks 1.1.0 and skip one that does not; a plugin that
 * refuses the configuration's version is called again in the newest version it speaks.
 */
class IpamDelegationTest {

    @TempDir
    Path dir;
    InProcessPlugin plugin;

    @BeforeEach
    void environment() {
        plugin = EnvironmentValidationTest.full()
                .env("CNI_PATH", dir.resolve("bin").toString())
                .env("RECORDING_BACKEND_DIR", dir.resolve("switch").toString());
    }

    @Test
    void gcAndStatusReachAnIpamPluginThatSpeaksOneOneZero() throws Exception {
        ipam("1.1.0");
        assertThat(plugin.run("STATUS", config("1.1.0")).exitCode()).isZero();
        assertThat(plugin.run("GC", config("1.1.0").replace("}}", "},\"cni.dev/valid-attachments\":[]}"))
                .exitCode()).isZero();
        assertThat(calls()).containsExactly("VERSION 1.1.0", "STATUS 1.1.0", "VERSION 1.1.0", "GC 1.1.0");
    }

    @Test
    void gcAndStatusSkipAnIpamPluginThatPredatesOneOneZero() throws Exception {
        ipam("1.0.0");
        assertThat(plugin.run("STATUS", config("1.1.0")).exitCode()).isZero();
        assertThat(plugin.run("GC", config("1.1.0").replace("}}", "},\"cni.dev/valid-attachments\":[]}"))
                .exitCode()).isZero();
        assertThat(calls()).containsExactly("VERSION 1.1.0", "VERSION 1.1.0");
    }

    @Test
    void anIpamPluginThatRefusesTheVersionIsCalledAgainInTheNewestItSpeaks() throws Exception {
        ipam("0.4.0");
        InProcessPlugin.Outcome added = plugin.run("ADD", config("1.1.0"));
        assertThat(added.exitCode()).as(added.stdout()).isZero();
        assertThat(added.json().at("/ips/0/address").asText()).isEqualTo("10.9.0.2/24");
        assertThat(calls()).containsExactly("ADD 1.1.0", "VERSION 1.1.0", "ADD 0.4.0");
    }

    @Test
    void anIpamFailureKeepsTheIpamPluginsCodeAndReleasesNothingItDidNotGet() throws Exception {
        ipam("1.1.0");
        InProcessPlugin.Outcome added = plugin.env("FAKE_IPAM_FAIL", "ADD").run("ADD", config("1.1.0"));
        ErrorCodeTest.assertError(added, 107, "IPAM plugin 'fake-ipam' failed: no addresses left");
        // The switch made the port while the IPAM plugin ran; the failed ADD removed it.
        assertThat(dir.resolve("switch/ports")).isEmptyDirectory();
        assertThat(calls()).containsExactly("ADD 1.1.0");

        // What the IPAM plugin may hold is the runtime's DEL's to release: the attachment stays journaled until then.
        ErrorCodeTest.assertError(plugin.run("ADD", config("1.1.0")), 4, "DEL it before adding it again");
        assertThat(plugin.run("DEL", config("1.1.0")).exitCode()).isZero();
        assertThat(calls()).containsExactly("ADD 1.1.0", "DEL 1.1.0");
    }

    /** Installs the fake IPAM plugin (a test resource) speaking every version up to {@code newest}. */
    private void ipam(String newest) throws Exception {
        List<String> all = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
        plugin.env("FAKE_IPAM_VERSIONS", String.join(" ", all.subList(0, all.indexOf(newest) + 1)))
                .env("FAKE_IPAM_CALLS", dir.resolve("calls").toString());
        Path script = Files.createDirectories(dir.resolve("bin")).resolve("fake-ipam");
        try (InputStream in = getClass().getResourceAsStream("/fake-ipam")) {
            Files.copy(in, script);
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }

    private List<String> calls() throws Exception {
        return Files.readAllLines(dir.resolve("calls"));
    }

    private String config(String version) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"net\",\"type\":\"userspace\",\"dataDir\":\""
                + dir.resolve("data") + "\",\"host\":{\"engine\":\"recording\",\"iftype\":\"vhostuser\"},"
                + "\"ipam\":{\"type\":\"fake-ipam\"}}";
    }
}
