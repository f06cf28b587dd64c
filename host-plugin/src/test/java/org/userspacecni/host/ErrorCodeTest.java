package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every failure is one CNI error object on stdout with the code of the specification, a message that names
 * what is wrong, and a non-zero exit; never a stack trace on stdout.
 */
class ErrorCodeTest extends RecordingEngineTest {

    @Test
    void malformedJsonIsSix() {
        InProcessPlugin.Outcome outcome = plugin.run("ADD", "{\"cniVersion\":\"1.1.0\",");
        assertError(outcome, 6, "failed to decode the network configuration");
        assertThat(outcome.json().path("cniVersion").asText()).isEqualTo("1.1.0");
    }

    @Test
    void anUnsupportedVersionIsOne() {
        InProcessPlugin.Outcome outcome = plugin.run("ADD", config("0.2.0", ""));
        assertError(outcome, 1, "incompatible CNI versions");
        assertThat(outcome.json().path("details").asText()).contains("\"0.2.0\"");
    }

    @ParameterizedTest
    @CsvSource({"CHECK, 0.3.1", "GC, 1.0.0", "STATUS, 1.0.0"})
    void aCommandNewerThanTheConfigVersionIsOne(String command, String version) {
        assertError(plugin.run(command, config(version, "")), 1, "config version does not allow " + command);
    }

    @Test
    void anInterfaceTypeTheEngineDoesNotTakeIsTwoNamingKeyAndValue() {
        InProcessPlugin.Outcome outcome = plugin.env("RECORDING_BACKEND_IFTYPES", "vhostuser")
                .run("ADD", config("1.1.0", "").replace("\"iftype\":\"vhostuser\"", "\"iftype\":\"memif\""));
        assertError(outcome, 2, "host.iftype: 'memif' is not supported by engine 'recording' (supported: vhostuser)");
        assertThat(dir.resolve("switch/ports")).doesNotExist();
    }

    @Test
    void anInterfaceTypeOfTheEnginesOwnIsServedAndOneNoEngineDeclaresIsTwoNamingTheEnginesTypes() {
        String tap = config("1.1.0", "").replace("\"iftype\":\"vhostuser\"", "\"iftype\":\"tap\"");
        InProcessPlugin.Outcome added = plugin.env("RECORDING_BACKEND_IFTYPES", "vhostuser,tap").run("ADD", tap);
        assertThat(added.exitCode()).as(added.stdout()).isZero();
        assertThat(dir.resolve("switch/ports")).isNotEmptyDirectory();

        InProcessPlugin.Outcome refused = plugin.env("RECORDING_BACKEND_IFTYPES", "vhostuser,memif")
                .run("ADD", tap.replace("\"tap\"", "\"af_xdp\""));
        assertError(refused, 2, "host.iftype: 'af_xdp' is not supported by engine 'recording' (supported: memif,"
                + " vhostuser)");
    }

    @Test
    void anEngineThatIsNotInstalledIsSevenListingTheInstalledOnes() {
        InProcessPlugin.Outcome outcome = plugin.run("ADD",
                config("1.1.0", "").replace("\"engine\":\"recording\"", "\"engine\":\"linux-bridge\""));
        assertError(outcome, 7, "unknown engine 'linux-bridge' (installed: ovs-dpdk, recording, vpp)");
    }

    @Test
    void anIpamPluginThatIsNotOnCniPathIsSeven() {
        InProcessPlugin.Outcome outcome = plugin.run("ADD", config("1.1.0", ",\"ipam\":{\"type\":\"no-such-ipam\"}"));
        assertError(outcome, 7, "IPAM plugin 'no-such-ipam' not found in CNI_PATH");
        assertThat(dir.resolve("switch/ports")).doesNotExist();
    }

    @Test
    void aBackendIoFailureIsFiveAndIsRolledBack() {
        InProcessPlugin.Outcome outcome = plugin.env("RECORDING_BACKEND_FAIL", "add").run("ADD", config("1.1.0", ""));
        assertError(outcome, 5, "recording engine: failing add as asked");
        assertThat(dir.resolve("switch/ports")).isEmptyDirectory();
    }

    @Test
    void aNetnsThatDoesNotExistIsEight() {
        InProcessPlugin.Outcome outcome = plugin.env("CNI_NETNS", dir.resolve("no-such-netns").toString())
                .run("ADD", config("1.1.0", ""));
        assertError(outcome, 8, "does not exist");
        assertThat(dir.resolve("switch/ports")).doesNotExist();
    }

    @Test
    void anUnavailableDatapathIsFiftyOnStatus() {
        InProcessPlugin.Outcome outcome = plugin.env("RECORDING_BACKEND_FAIL", "status").run("STATUS", config("1.1.0", ""));
        assertError(outcome, 50, "unavailable");
    }

    @Test
    void statusOfAnEngineThatIsNotInstalledIsFifty() {
        InProcessPlugin.Outcome outcome = plugin.run("STATUS",
                config("1.1.0", "").replace("\"engine\":\"recording\"", "\"engine\":\"kernel-tap\""));
        assertError(outcome, 50, "unknown engine 'kernel-tap'");
    }

    @Test
    void aConfigurationLargerThanSixteenMebibytesIsSix() {
        byte[] huge = new byte[Main.MAX_CONFIG_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertError(plugin.run("ADD", huge), 6, "larger than");
    }

    @Test
    void aPluginFailureIsReportedAsAnErrorObjectWithoutAStackTraceOnStdout() throws Exception {
        Path notAPlugin = Files.createDirectories(dir.resolve("bin/broken-ipam"));
        InProcessPlugin.Outcome outcome = plugin.env("CNI_PATH", dir.resolve("bin").toString())
                .run("ADD", config("1.1.0", ",\"ipam\":{\"type\":\"broken-ipam\"}"));
        assertThat(notAPlugin).isDirectory();
        assertError(outcome, 7, "not found");
        assertThat(outcome.stdout()).doesNotContain("\tat ");
    }

    static void assertError(InProcessPlugin.Outcome outcome, int code, String message) {
        assertThat(outcome.exitCode()).as(outcome.stdout() + outcome.stderr()).isEqualTo(1);
        assertThat(outcome.stdout().strip().lines()).hasSize(1);
        assertThat(outcome.json().path("code").asInt()).as(outcome.stdout()).isEqualTo(code);
        assertThat(outcome.json().path("msg").asText()).contains(message);
    }
}
