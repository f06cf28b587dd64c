package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.userspacecni.host.HoldPoints.Step;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostState;

/**
 * The rollback of an ADD that fails at any of its steps ({@code USERSPACE_CNI_FAIL_AT}) undoes only what that
 * ADD made, on a real OVS-DPDK with host-local, among everything that shares a name it derives: a live
 * attachment of the same network whose container id shares the first 12 characters, one sharing them in
 * another network on the same bridge, and the operator's own vhost-user port on the bridge, each with its socket
 * bound and accepting. Afterwards all three are exactly as they were, the failed attachment left nothing, and
 * the same ADD then works and its DEL leaves the node as it was. The same holds for an ADD whose IPAM plugin fails
 * while the switch makes its port.
 */
class RollbackTouchesOnlyItsOwnIT extends OnADpdkNode {

    static final String CONTAINER = "testcontainer2";

    /**
     * Everything that shares a name {@link #CONTAINER}'s ADD derives: a live attachment of the same network whose
     * container id shares its first 12 characters, one of another network on the same bridge, and the operator's
     * own vhost-user port on the bridge.
     */
    private record Neighbours(Neighbour samePrefix, Neighbour otherNetwork, OperatorPort operator) {

        static Neighbours add(DpdkNode node) {
            return new Neighbours(Neighbour.add(node, "testcontainer1"), Neighbour.add(node, "testcontainer3",
                    node.config(DpdkNode.OTHER_NETWORK, "testcontainer3")), OperatorPort.add(node, "op0"));
        }

        void assertUnchanged() {
            samePrefix.assertUnchanged();
            otherNetwork.assertUnchanged();
            operator.assertUnchanged();
        }
    }

    @ParameterizedTest(name = "ADD failing at {0}")
    @EnumSource(Step.class)
    void theRollbackLeavesEveryNeighbourAsItWas(Step step) {
        Neighbours neighbours = Neighbours.add(node);
        HostState before = node.state();
        ObjectNode config = node.config(CONTAINER);

        CniInvocation.Outcome failed = node.plugin(CONTAINER).env(HoldPoints.FAIL_VARIABLE, step.wireName())
                .run("ADD", config.toString());

        assertThat(failed.exitCode()).as(failed.stdout() + failed.stderr()).isEqualTo(1);
        assertThat(failed.json().path("code").asInt()).as(failed.stdout()).isEqualTo(5);
        assertThat(failed.json().path("msg").asText()).isEqualTo("injected failure at " + step.wireName());
        neighbours.assertUnchanged();
        assertThat(node.state()).as("what the failed ADD left").isEqualTo(before);

        Neighbour added = Neighbour.add(node, CONTAINER, config);
        node.succeeds("DEL", CONTAINER, config);
        added.assertGone();
        neighbours.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);
    }

    /**
     * The IPAM plugin runs while the switch makes the port: when it fails (host-local with no address left, the
     * neighbour of the same network holding the range's one address), the rollback removes the port the switch made
     * meanwhile, and nothing of the neighbours that share its names.
     */
    @Test
    void anIpamFailureWhileThePortIsMadeRemovesThatPortAlone() {
        node.ipamRange("10.56.218.0/30", "10.56.218.1");
        Neighbours neighbours = Neighbours.add(node);
        HostState before = node.state();
        ObjectNode config = node.config(CONTAINER);

        CniInvocation.Outcome failed = node.plugin(CONTAINER).run("ADD", config.toString());

        assertThat(failed.exitCode()).as(failed.stdout() + failed.stderr()).isEqualTo(1);
        assertThat(failed.json().path("msg").asText()).contains("no IP addresses available");
        HostState after = node.state();
        assertThat(after.ports()).as("the port made beside the failed lease, removed").isEqualTo(before.ports());
        assertThat(after.interfaces()).isEqualTo(before.interfaces());
        neighbours.assertUnchanged();

        // What the IPAM plugin may hold after its failed ADD is the runtime's DEL's to release.
        node.succeeds("DEL", CONTAINER, config);
        neighbours.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);
    }
}
