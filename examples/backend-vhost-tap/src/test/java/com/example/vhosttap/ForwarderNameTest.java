package com.example.vhosttap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.userspacecni.spi.AttachmentId;

/** A forwarder's name is a TAP device's name, one per attachment of a network, the same on every run. */
class ForwarderNameTest {

    private static final AttachmentId ID = new AttachmentId("c0ffee" + "0".repeat(58), "net1");

    @Test
    void fitsATapDevice() {
        String name = ForwarderName.of("a-network-with-a-long-name".repeat(9), ID).value();
        assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(15);
        assertThat(name).matches("vt[0-9a-f]{12}");
    }

    @Test
    void isTheSameForTheSameAttachmentAndDiffersForAnotherNetworkOrInterface() {
        assertThat(ForwarderName.of("net-a", ID)).isEqualTo(ForwarderName.of("net-a", ID));
        assertThat(ForwarderName.of("net-a", ID)).isNotEqualTo(ForwarderName.of("net-b", ID));
        assertThat(ForwarderName.of("net-a", ID))
                .isNotEqualTo(ForwarderName.of("net-a", new AttachmentId(ID.containerId(), "net2")));
    }
}
