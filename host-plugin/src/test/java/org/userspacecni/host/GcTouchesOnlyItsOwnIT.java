package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.userspacecni.testkit.HostState;

/**
 * GC (CNI 1.1.0) collects only its own network's attachments that are not in its valid list, on a real
 * OVS-DPDK with host-local, among live neighbours with bound and accepting sockets: the valid attachment whose
 * container id shares the first 12 characters of the collected one, another sharing them in another network
 * on the same bridge, and the operator's own port stay exactly as they were. A GC of another network, with an
 * empty, a null or no valid list (as libcni and cnitool send them), touches none of them.
 */
class GcTouchesOnlyItsOwnIT extends OnADpdkNode {

    @Test
    void gcCollectsTheInvalidAttachmentAndLeavesTheValidOnesNeighbours() {
        Neighbour valid = Neighbour.add(node, "testcontainer1");
        Neighbour otherNetwork = Neighbour.add(node, "testcontainer3",
                node.config(DpdkNode.OTHER_NETWORK, "testcontainer3"));
        OperatorPort operator = OperatorPort.add(node, "op0");
        HostState before = node.state();
        Neighbour collected = Neighbour.add(node, "testcontainer2");

        node.succeeds("GC", "gc", node.gcConfig(DpdkNode.NETWORK, "testcontainer1"));

        collected.assertGone();
        valid.assertUnchanged();
        otherNetwork.assertUnchanged();
        operator.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);
    }

    @ParameterizedTest(name = "valid list {0}")
    @ValueSource(strings = {"[]", "null", "absent"})
    void gcOfAnotherNetworkLeavesTheNeighbour(String validList) {
        Neighbour neighbour = Neighbour.add(node, "testcontainer1");
        OperatorPort operator = OperatorPort.add(node, "op0");
        HostState before = node.state();
        ObjectNode config = node.gcConfig(DpdkNode.OTHER_NETWORK);
        if (validList.equals("null")) {
            config.putNull("cni.dev/valid-attachments");
        } else if (validList.equals("absent")) {
            config.remove("cni.dev/valid-attachments");
        }

        node.succeeds("GC", "gc", config);

        neighbour.assertUnchanged();
        operator.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);
    }

    @ParameterizedTest(name = "valid list {0}")
    @ValueSource(strings = {"null", "absent"})
    void aNullOrAbsentValidListIsAnEmptyOne(String validList) {
        Neighbour otherNetwork = Neighbour.add(node, "testcontainer1",
                node.config(DpdkNode.OTHER_NETWORK, "testcontainer1"));
        HostState before = node.state();
        Neighbour collected = Neighbour.add(node, "testcontainer2");
        ObjectNode config = node.gcConfig(DpdkNode.NETWORK);
        if (validList.equals("null")) {
            config.putNull("cni.dev/valid-attachments");
        } else {
            config.remove("cni.dev/valid-attachments");
        }

        node.succeeds("GC", "gc", config);

        collected.assertGone();
        otherNetwork.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);
    }
}
