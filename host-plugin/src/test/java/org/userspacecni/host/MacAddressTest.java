package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.userspacecni.spi.AttachmentId;

/** The container interface's MAC: asked for through runtimeConfig or CNI_ARGS, else derived from the attachment. */
class MacAddressTest extends RecordingEngineTest {

    @Test
    void theRuntimeConfigMacWins() {
        plugin.env("CNI_ARGS", "MAC=02:00:00:00:00:02");
        assertThat(mac(",\"runtimeConfig\":{\"mac\":\"0A:00:00:00:00:01\"}")).isEqualTo("0a:00:00:00:00:01");
    }

    @Test
    void cniArgsMacIsUsedWithoutRuntimeConfig() {
        plugin.env("CNI_ARGS", "IgnoreUnknown=1;MAC=02:00:00:00:00:02");
        assertThat(mac("")).isEqualTo("02:00:00:00:00:02");
    }

    @Test
    void withoutOneItIsDerivedLocallyAdministeredAndStable() {
        String derived = MacAddresses.derived(new AttachmentId("c0ffee0123456789", "net1"));
        assertThat(derived).matches("02(:[0-9a-f]{2}){5}");
        assertThat(mac("")).isEqualTo(derived);
        assertThat(MacAddresses.derived(new AttachmentId("c0ffee0123456789", "net2"))).isNotEqualTo(derived);
    }

    @Test
    void aMulticastOrMalformedMacIsSeven() {
        for (String bad : new String[] {"01:00:5e:00:00:01", "02:00:00:00:00", "zz:00:00:00:00:01"}) {
            ErrorCodeTest.assertError(plugin.run("ADD", config(",\"runtimeConfig\":{\"mac\":\"" + bad + "\"}")), 7,
                    "invalid MAC address '" + bad + "'");
        }
    }

    @Test
    void aMacAddRefusesCannotKeepDelFromFinishing() {
        InProcessPlugin.Outcome deleted = plugin.run("DEL", config(",\"runtimeConfig\":{\"mac\":\"01:00:5e:00:00:01\"}"));
        assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
        assertThat(deleted.stderr()).contains("DEL: invalid MAC address '01:00:5e:00:00:01'").contains("going on"
                + " without it");
    }

    private String mac(String more) {
        InProcessPlugin.Outcome outcome = plugin.run("ADD", config(more));
        assertThat(outcome.exitCode()).as(outcome.stdout()).isZero();
        return outcome.json().at("/interfaces/0/mac").asText();
    }

    private String config(String more) {
        return config("1.1.0", more);
    }
}
