package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.recording.RecordingBackend;

/** An ADD that fails after IPAM gave out an address releases it, removes the port, and a DEL still succeeds. */
class FailedAddLeavesNothingIT extends PluginFixtureTest {

    @Test
    void aFailingHostPortReleasesTheLease() {
        CniInvocation plugin = fixture.attachment("failing0001", "net1").env(RecordingBackend.FAIL_VARIABLE, "add");
        CniInvocation.Outcome added = plugin.run("ADD", fixture.config("1.1.0", ""));

        assertThat(added.exitCode()).isEqualTo(1);
        assertThat(added.json().path("code").asInt()).isEqualTo(5);
        assertThat(added.json().path("msg").asText()).isEqualTo("recording engine: failing add as asked");
        assertThat(added.stderr()).contains("rolled back: IPAM lease of failing0001/net1");
        assertThat(fixture.ipam.leases()).isEmpty();
        assertThat(fixture.ports()).isEmpty();
        // The engine's add failed and left nothing, so the rollback has no port of this ADD's to delete.
        assertThat(fixture.journal()).containsExactly("add failing0001/net1");
        assertThat(fixture.dataDir().resolve("failing0001")).doesNotExist();

        CniInvocation.Outcome deleted = fixture.attachment("failing0001", "net1").run("DEL", fixture.config("1.1.0", ""));
        assertThat(deleted.exitCode()).as(deleted.stdout()).isZero();
    }

    @Test
    void aTransientFailureKeepsItsCodeAndIsRolledBackToo() {
        CniInvocation plugin = fixture.attachment("failing0002", "net1")
                .env(RecordingBackend.FAIL_VARIABLE, "add").env(RecordingBackend.FAIL_CODE_VARIABLE, "11");
        CniInvocation.Outcome added = plugin.run("ADD", fixture.config("1.0.0", ""));
        assertThat(added.json().path("code").asInt()).isEqualTo(11);
        assertThat(fixture.ipam.leases()).isEmpty();
        assertThat(fixture.ports()).isEmpty();
    }

    @Test
    void anAddAfterAFailedOneGetsAnAddressAgain() {
        fixture.attachment("failing0003", "net1").env(RecordingBackend.FAIL_VARIABLE, "add")
                .run("ADD", fixture.config("1.0.0", ""));
        CniInvocation.Outcome added = fixture.attachment("failing0003", "net1").run("ADD", fixture.config("1.0.0", ""));
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        assertThat(fixture.ipam.leases()).hasSize(1);
        fixture.attachment("failing0003", "net1").run("DEL", fixture.config("1.0.0", ""));
        assertThat(fixture.ipam.leases()).isEmpty();
    }
}
