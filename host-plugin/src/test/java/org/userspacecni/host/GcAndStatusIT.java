package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
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
