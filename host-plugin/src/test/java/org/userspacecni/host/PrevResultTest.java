package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** A prevResult is kept on ADD, required and checked on CHECK. */
class PrevResultTest extends RecordingEngineTest {

    @Test
    void addAppendsItsInterfaceToThePreviousResult() {
        String prev = "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"/proc/self/ns/net\"}],"
                + "\"ips\":[{\"address\":\"192.168.0.2/24\",\"interface\":0}],\"dns\":{}}";
        JsonNode result = plugin.run("ADD", config("1.0.0", ",\"prevResult\":" + prev)).json();
        assertThat(result.path("interfaces")).hasSize(2);
        assertThat(result.at("/interfaces/0/name").asText()).isEqualTo("eth0");
        assertThat(result.at("/interfaces/1/name").asText()).isEqualTo("net1");
        assertThat(result.at("/interfaces/1/sandbox").asText()).isEqualTo("/proc/self/ns/net");
        assertThat(result.at("/ips/0/address").asText()).isEqualTo("192.168.0.2/24");
    }

    @Test
    void addAnswersInTheConfigurationsVersion() {
        JsonNode v11 = plugin.run("ADD", config("1.1.0", "")).json();
        assertThat(v11.path("cniVersion").asText()).isEqualTo("1.1.0");
        assertThat(v11.at("/interfaces/0/socketPath").asText()).isEqualTo(dir.resolve("shared/c0ffee012345-net1").toString());
        JsonNode v031 = plugin.env("CNI_CONTAINERID", "other").run("ADD", config("0.3.1", "")).json();
        assertThat(v031.path("cniVersion").asText()).isEqualTo("0.3.1");
        assertThat(v031.at("/interfaces/0/socketPath").isMissingNode()).isTrue();
    }

    @Test
    void checkNeedsAPrevResult() {
        ErrorCodeTest.assertError(plugin.run("CHECK", config("1.0.0", "")), 7, "CHECK needs a prevResult");
    }

    @Test
    void checkFailsWhenThePrevResultLacksTheInterface() {
        String prev = "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\"}],\"dns\":{}}";
        ErrorCodeTest.assertError(plugin.run("CHECK", config("1.0.0", ",\"prevResult\":" + prev)), 7,
                "prevResult has no interface 'net1'");
    }

    @Test
    void checkPassesOnWhatAddReturnedAndFailsOnceThePortIsGone() {
        JsonNode added = plugin.run("ADD", config("1.0.0", "")).json();
        InProcessPlugin.Outcome checked = plugin.run("CHECK", config("1.0.0", ",\"prevResult\":" + added));
        assertThat(checked.exitCode()).as(checked.stdout()).isZero();
        assertThat(checked.stdout()).isEmpty();
        assertThat(plugin.run("DEL", config("1.0.0", ",\"prevResult\":" + added)).exitCode()).isZero();
        ErrorCodeTest.assertError(plugin.run("CHECK", config("1.0.0", ",\"prevResult\":" + added)), 100, "no port");
    }

    @Test
    void checkFailsWhenTheStoredContainerConfigurationIsGone() throws Exception {
        JsonNode added = plugin.run("ADD", config("1.0.0", "")).json();
        java.nio.file.Files.delete(dir.resolve("data/c0ffee0123456789/net1.json"));
        ErrorCodeTest.assertError(plugin.run("CHECK", config("1.0.0", ",\"prevResult\":" + added)), 100,
                "no stored container configuration for c0ffee0123456789/net1");
    }

    @Test
    void aMalformedPrevResultIsSixAndNothingIsCreated() {
        ErrorCodeTest.assertError(plugin.run("ADD", config("1.0.0", ",\"prevResult\":{\"ips\":[{\"address\":\"x\"}]}")),
                6, "prevResult.ips[0].address");
        assertThat(dir.resolve("switch/ports")).doesNotExist();
    }

}
