package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.host.HoldPoints.Step;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostState;

/**
 * ovsdb-server SIGKILLed while an ADD is under way (held between its steps): before the port is made, the ADD
 * fails with 11 and releases its lease, and the journal keeps the attachment because the port's undo could not
 * reach the switch; after the port is made, the ADD completes (the port is committed). Either way, once the
 * database is back, DEL leaves the node exactly as before and a new ADD works. (A database dead before or
 * after an ADD is {@link OvsControlPlaneIT}'s.)
 */
class OvsdbFaultIT {

    static final String CONTAINER = "ovsdbfault01";

    @TempDir
    Path root;
    OvsdbHost host;

    @BeforeEach
    void start() {
        host = new OvsdbHost(root.resolve("node"));
    }

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void killedBeforeThePortTheAddFailsAndDelFinishesOnceTheDatabaseIsBack() throws IOException {
        HostState before = host.state();

        CniInvocation.Outcome failed = addWithDatabaseKilledAt(Step.JOURNALED);
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.json().path("code").asInt()).as(failed.stdout()).isEqualTo(11);
        assertThat(host.ipam.leases()).as("the rollback released the lease").isEmpty();
        // The port's transaction never committed, so the rollback had nothing else to undo: nothing is journaled.
        assertThat(host.dataDir().resolve(AttachmentJournal.DIRECTORY)).doesNotExist();

        host.ovs.startDatabase();
        assertThat(host.plugin(CONTAINER).run("DEL", host.config(CONTAINER)).exitCode()).isZero();
        assertThat(host.state()).isEqualTo(before);
        addAndDel(before);
    }

    @Test
    void killedAfterThePortTheAddCompletesAndDelFinishesOnceTheDatabaseIsBack() {
        HostState before = host.state();

        CniInvocation.Outcome added = addWithDatabaseKilledAt(Step.PORT_ADDED);
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();

        CniInvocation.Outcome refused = host.plugin(CONTAINER).run("DEL", host.config(CONTAINER));
        assertThat(refused.json().path("code").asInt()).as(refused.stdout()).isEqualTo(11);
        host.ovs.startDatabase();
        assertThat(host.plugin(CONTAINER).run("DEL", host.config(CONTAINER)).exitCode()).isZero();
        assertThat(host.state()).isEqualTo(before);
        addAndDel(before);
    }

    private CniInvocation.Outcome addWithDatabaseKilledAt(Step step) {
        try (HeldAdd held = new HeldAdd(root, step)) {
            CniInvocation.Running add = host.plugin(CONTAINER).env(HoldPoints.VARIABLE, held.variable())
                    .start("ADD", host.config(CONTAINER));
            held.awaitReached(Duration.ofSeconds(60));
            host.ovs.stopDatabase(true);
            held.release();
            return add.finish();
        }
    }

    private void addAndDel(HostState before) {
        CniInvocation.Outcome added = host.plugin(CONTAINER).run("ADD", host.config(CONTAINER));
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        assertThat(host.ports()).containsExactly(CONTAINER + "-net1");
        assertThat(host.plugin(CONTAINER).run("DEL", host.config(CONTAINER)).exitCode()).isZero();
        assertThat(host.state()).isEqualTo(before);
    }
}
