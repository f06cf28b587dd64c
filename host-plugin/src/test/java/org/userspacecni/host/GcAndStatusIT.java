package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.recording.RecordingBackend;

/**
 * GC removes the ports of attachments that are no longer valid and keeps the rest; STATUS reports the
 * datapath. host-local here predates CNI 1.1.0, so GC and STATUS are not forwarded to it and it is not
 * an error that it cannot take them.
 */
class GcAndStatusIT extends PluginFixtureTest {

    @Test
    void gcRemovesWhatIsNotValidAndKeepsWhatIs() {
        String config = fixture.config("1.1.0", "");
        assertThat(fixture.attachment("keep0001", "net1").run("ADD", config).exitCode()).isZero();
        assertThat(fixture.attachment("stale0001", "net1").run("ADD", config).exitCode()).isZero();
        assertThat(fixture.ports()).containsExactly("keep0001_net1", "stale0001_net1");

        CniInvocation gc = networkWide();
        CniInvocation.Outcome collected = gc.run("GC", fixture.config("1.1.0",
                ",\"cni.dev/valid-attachments\":[{\"containerID\":\"keep0001\",\"ifname\":\"net1\"}]"));
        assertThat(collected.exitCode()).as(collected.stdout() + collected.stderr()).isZero();
        assertThat(collected.stdout()).isEmpty();
        assertThat(fixture.ports()).containsExactly("keep0001_net1");
        assertThat(fixture.dataDir().resolve("keep0001/net1.json")).exists();
        assertThat(fixture.dataDir().resolve("stale0001")).doesNotExist();

        fixture.attachment("keep0001", "net1").run("DEL", config);
        fixture.attachment("stale0001", "net1").run("DEL", config);
        assertThat(fixture.ipam.leases()).isEmpty();
    }

    /**
     * libcni encodes an empty list of valid attachments as {@code null} (CRI-O's GC of a network without pods),
     * and {@code cnitool gc} sends no key at all: both keep nothing of the network, and nothing of another.
     */
    @ParameterizedTest
    @ValueSource(strings = {",\"cni.dev/valid-attachments\":null", ",\"cni.dev/attachments\":null", ""})
    void gcWithANullOrAbsentListCollectsEveryAttachmentOfTheNetwork(String validList) {
        String config = fixture.config("1.1.0", "");
        String otherNetwork = config.replace("\"userspace-net\"", "\"other-net\"");
        CniInvocation.Outcome stale = fixture.attachment("stale0002", "net1").run("ADD", config);
        assertThat(stale.exitCode()).as(stale.stdout() + stale.stderr()).isZero();
        CniInvocation.Outcome other = fixture.attachment("other0002", "net1").run("ADD", otherNetwork);
        assertThat(other.exitCode()).as(other.stdout() + other.stderr()).isZero();
        assertThat(fixture.ports()).containsExactly("other0002_net1", "stale0002_net1");
        assertThat(fixture.ipam.leases()).hasSize(2);
        assertThat(fixture.dataDir().resolve("stale0002/net1.json")).exists();

        CniInvocation.Outcome collected = networkWide().run("GC", fixture.config("1.1.0", validList));

        assertThat(collected.exitCode()).as(collected.stdout() + collected.stderr()).isZero();
        assertThat(collected.stdout()).isEmpty();
        assertThat(fixture.ports()).containsExactly("other0002_net1");
        assertThat(fixture.ipam.leases()).containsExactly(leaseOf(other));
        assertThat(fixture.dataDir().resolve("stale0002")).doesNotExist();
        assertThat(fixture.dataDir().resolve("other0002/net1.json")).exists();

        CniInvocation.Outcome deleted = fixture.attachment("other0002", "net1").run("DEL", otherNetwork);
        assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
        assertThat(fixture.ipam.leases()).isEmpty();
    }

    @Test
    void gcWithAValidListThatIsNeitherAListNorNullIsRefusedAndCollectsNothing() {
        String config = fixture.config("1.1.0", "");
        CniInvocation.Outcome kept = fixture.attachment("keep0003", "net1").run("ADD", config);
        assertThat(kept.exitCode()).as(kept.stdout() + kept.stderr()).isZero();

        CniInvocation.Outcome refused = networkWide().run("GC",
                fixture.config("1.1.0", ",\"cni.dev/valid-attachments\":\"keep0003\""));

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.json().path("code").asInt()).isEqualTo(6);
        assertThat(refused.json().path("msg").asText()).contains("cni.dev/valid-attachments");
        assertThat(fixture.ports()).containsExactly("keep0003_net1");
        assertThat(fixture.ipam.leases()).containsExactly(leaseOf(kept));
        assertThat(fixture.dataDir().resolve("keep0003/net1.json")).exists();
        fixture.attachment("keep0003", "net1").run("DEL", config);
    }

    /** host-local's lease file of an ADD's address: the address without its prefix length. */
    private static String leaseOf(CniInvocation.Outcome added) {
        return added.json().at("/ips/0/address").asText().replaceFirst("/.*", "");
    }

    @Test
    void statusIsSilentWhenTheDatapathIsAvailableAndFiftyWhenNot() {
        CniInvocation status = networkWide();
        CniInvocation.Outcome up = status.run("STATUS", fixture.config("1.1.0", ""));
        assertThat(up.exitCode()).as(up.stdout() + up.stderr()).isZero();
        assertThat(up.stdout()).isEmpty();

        CniInvocation.Outcome down = status.copy().env(RecordingBackend.FAIL_VARIABLE, "status")
                .run("STATUS", fixture.config("1.1.0", ""));
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.json().path("code").asInt()).isEqualTo(50);
    }

    /** The plugin for commands about the whole network (GC, STATUS), with the recording engine installed. */
    private CniInvocation networkWide() {
        return new CniInvocation(PluginFixture.plugin())
                .env("CNI_PATH", "/usr/lib/cni")
                .env("USERSPACE_CNI_BACKENDS", PluginFixture.testkitJar().toString())
                .env(RecordingBackend.DIR_VARIABLE, fixture.switchDir().toString());
    }
}
