package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostState;

/**
 * ADD never takes what is another attachment's, on a real OVS-DPDK with host-local, next to live neighbours
 * whose sockets are bound and accepting: a fixed socket file another pod holds is refused with 7; container ids
 * that share their first 12 characters get ports and sockets of their own, which CHECK finds and DEL removes
 * one without the other; a repeated ADD of a live attachment is refused with 4 and keeps its lease, port, socket
 * and stored configuration (so the next pod cannot get its address); and container ids of 255 characters and
 * network names of 200 work as documented.
 */
class AddTouchesOnlyItsOwnIT extends OnADpdkNode {

    static final String ID_64 = "4f3c2a1b0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3";

    @Test
    void addWithTheFixedSocketfileOfALivePodIsRefusedAndLeavesBoth() {
        Neighbour pod1 = Neighbour.add(node, "pod1", DpdkNode.withSocketfile("vhost0", node.config("pod1")));
        HostState before = node.state();

        node.fails("ADD", "pod2", DpdkNode.withSocketfile("vhost0", node.config("pod2")), 7);

        pod1.assertUnchanged();
        assertThat(node.state()).as("pod2 left nothing: no lease, port, stored configuration or journal entry")
                .isEqualTo(before);
    }

    static Stream<Arguments> idsSharingTheirFirst12Characters() {
        return Stream.of(Arguments.of("testcontainer1", "testcontainer2"),
                Arguments.of(ID_64 + "0", ID_64 + "1"),
                Arguments.of(ID_64.substring(0, 12) + "x", ID_64.substring(0, 12) + "y"));
    }

    @ParameterizedTest(name = "{0} and {1}")
    @MethodSource("idsSharingTheirFirst12Characters")
    void containerIdsSharingTheirFirst12CharactersGetAttachmentsOfTheirOwn(String first, String second) {
        HostState empty = node.state();
        for (boolean firstGoesFirst : new boolean[] {true, false}) {
            Neighbour one = Neighbour.add(node, first);
            Neighbour two = Neighbour.add(node, second);
            assertThat(one.socketPath()).isNotEqualTo(two.socketPath());
            for (Neighbour each : new Neighbour[] {one, two}) {
                node.succeeds("CHECK", each.containerId, DpdkNode.withPrevResult(each.config, each.added));
            }

            Neighbour deleted = firstGoesFirst ? one : two;
            Neighbour kept = firstGoesFirst ? two : one;
            node.succeeds("DEL", deleted.containerId, deleted.config);
            deleted.assertGone();
            kept.assertUnchanged();
            node.succeeds("CHECK", kept.containerId, DpdkNode.withPrevResult(kept.config, kept.added));
            node.succeeds("DEL", kept.containerId, kept.config);
            kept.assertGone();
            assertThat(node.state()).isEqualTo(empty);
        }
    }

    @Test
    void aRepeatedAddOfALivePodIsRefusedAndKeepsItsAddressFromTheNextPod() {
        // One address for pods: a lease the repeated ADD released would be the next pod's.
        node.ipamRange("10.56.218.0/30", "10.56.218.1");
        HostState empty = node.state();
        Neighbour podA = Neighbour.add(node, "podA");
        HostState before = node.state();

        node.fails("ADD", "podA", podA.config, 4);
        podA.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);

        CniInvocation.Outcome podB = node.plugin("podB").run("ADD", node.config("podB").toString());
        assertThat(podB.exitCode()).as("podB may not get podA's " + podA.address() + ": " + podB.stdout()).isEqualTo(1);
        assertThat(podB.json().path("msg").asText()).contains("no IP addresses available");
        podA.assertUnchanged();
        // The runtime's DEL after the failed ADD: podB's, not podA's lease.
        node.succeeds("DEL", "podB", node.config("podB"));
        podA.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);

        node.succeeds("DEL", "podA", podA.config);
        Neighbour podBNow = Neighbour.add(node, "podB");
        assertThat(podBNow.address()).as("the range's one address, free again").isEqualTo(podA.address());
        node.succeeds("DEL", "podB", podBNow.config);
        assertThat(node.state()).isEqualTo(empty);
    }

    @Test
    void aRepeatedAddOnAWiderRangeGivesTheNextPodAnotherAddress() {
        node.ipamRange("10.56.218.0/29", "10.56.218.1");
        Neighbour podA = Neighbour.add(node, "podA");
        HostState before = node.state();

        node.fails("ADD", "podA", podA.config, 4);
        podA.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);

        Neighbour podB = Neighbour.add(node, "podB");
        assertThat(podB.address()).isNotEqualTo(podA.address());
        podA.assertUnchanged();
    }

    @Test
    void aContainerIdOf255CharactersWorksNextToOneSharingAllButItsLastCharacter() {
        String base = "c".repeat(254);
        HostState empty = node.state();
        Neighbour neighbour = Neighbour.add(node, base + "1");
        HostState before = node.state();

        Neighbour longest = Neighbour.add(node, base + "2");
        node.succeeds("CHECK", longest.containerId, DpdkNode.withPrevResult(longest.config, longest.added));
        node.succeeds("DEL", longest.containerId, longest.config);

        longest.assertGone();
        neighbour.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);
        node.succeeds("DEL", neighbour.containerId, neighbour.config);
        assertThat(node.state()).isEqualTo(empty);
    }

    @Test
    void aNetworkNameOf200CharactersWorksNextToANeighbourInANetworkSharingAllButItsLastCharacter() {
        String network = "n".repeat(199) + "1";
        HostState empty = node.state();
        Neighbour neighbour = Neighbour.add(node, "testcontainer2", node.config("n".repeat(199) + "2", "testcontainer2"));
        HostState before = node.state();

        ObjectNode config = node.config(network, "testcontainer1");
        Neighbour longest = Neighbour.add(node, "testcontainer1", config);
        node.succeeds("CHECK", "testcontainer1", DpdkNode.withPrevResult(config, longest.added));
        node.succeeds("DEL", "testcontainer1", config);

        longest.assertGone();
        neighbour.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);
        node.succeeds("DEL", "testcontainer2", neighbour.config);
        assertThat(node.state()).isEqualTo(empty);
    }
}
