package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostState;

/**
 * DEL removes only what is its own attachment's and always finishes, on a real OVS-DPDK with host-local, next
 * to a live neighbour whose socket is bound and accepting: a DEL of an attachment that was never added (with
 * the neighbour's fixed socket file, or its container id's first 12 characters), a DEL twice, a DEL with
 * another network's configuration, a DEL after an ADD refused for its configuration (a multicast MAC, a shared
 * directory that is a regular file) all exit 0, leave the neighbour's port, socket, lease, stored configuration
 * and journal entry exactly as they were, and leave the node as it was before the ADD.
 */
class DelTouchesOnlyItsOwnIT extends OnADpdkNode {

    static final String MULTICAST_MAC = "01:00:5e:00:00:01";

    @Test
    void delOfANeverAddedPodWithTheSocketfileOfALivePodLeavesItsSocket() {
        Neighbour pod1 = Neighbour.add(node, "pod1", DpdkNode.withSocketfile("vhost0", node.config("pod1")));
        HostState before = node.state();

        node.succeeds("DEL", "pod2", DpdkNode.withSocketfile("vhost0", node.config("pod2")));

        pod1.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);
    }

    @Test
    void delOfANeverAddedPodWhoseIdSharesTheFirst12CharactersLeavesTheLivePod() {
        Neighbour first = Neighbour.add(node, "testcontainer1");
        HostState before = node.state();

        node.succeeds("DEL", "testcontainer2", node.config("testcontainer2"));

        first.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);
    }

    @Test
    void delTwiceFinishesBothTimesAndLeavesTheNeighbour() {
        Neighbour neighbour = Neighbour.add(node, "testcontainer1");
        HostState before = node.state();
        Neighbour deleted = Neighbour.add(node, "testcontainer2");

        node.succeeds("DEL", "testcontainer2", deleted.config);
        deleted.assertGone();
        node.succeeds("DEL", "testcontainer2", deleted.config);

        neighbour.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);
    }

    @Test
    void delOfTheSameContainerWithAnotherNetworksConfigurationLeavesTheAttachment() {
        Neighbour neighbour = Neighbour.add(node, "testcontainer1");
        HostState before = node.state();

        node.succeeds("DEL", "testcontainer1", node.config(DpdkNode.OTHER_NETWORK, "testcontainer1"));

        neighbour.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);
    }

    @Test
    void delAfterAnAddRefusedForAMulticastMacInCniArgsFinishes() {
        Neighbour neighbour = Neighbour.add(node, "testcontainer1");
        HostState before = node.state();
        CniInvocation plugin = node.plugin("testcontainer2").env("CNI_ARGS", "IgnoreUnknown=1;MAC=" + MULTICAST_MAC);
        ObjectNode config = node.config("testcontainer2");

        CniInvocation.Outcome added = plugin.copy().run("ADD", config.toString());
        assertThat(added.json().path("code").asInt()).as(added.stdout() + added.stderr()).isEqualTo(7);
        CniInvocation.Outcome deleted = plugin.copy().run("DEL", config.toString());

        assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
        neighbour.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);
    }

    @Test
    void delAfterAnAddRefusedForAMulticastMacInRuntimeConfigFinishes() {
        Neighbour neighbour = Neighbour.add(node, "testcontainer1");
        HostState before = node.state();
        ObjectNode config = node.config("testcontainer2");
        ((ObjectNode) config.path("runtimeConfig")).put("mac", MULTICAST_MAC);

        node.fails("ADD", "testcontainer2", config, 7);
        node.succeeds("DEL", "testcontainer2", config);

        neighbour.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);
    }

    @Test
    void delWithASharedDirThatIsARegularFileFinishesAndRemovesOnlyWhatIsItsOwn() {
        HostState empty = node.state();
        Neighbour neighbour = Neighbour.add(node, "testcontainer1");
        HostState before = node.state();
        String file = node.regularFile("shared-is-a-file").toString();

        node.succeeds("DEL", "testcontainer2", node.config("testcontainer2").put("sharedDir", file));
        neighbour.assertUnchanged();
        assertThat(node.state()).isEqualTo(before);

        // Its own DEL with the same broken configuration still removes everything its port and journal name.
        node.succeeds("DEL", "testcontainer1", node.config("testcontainer1").put("sharedDir", file));
        neighbour.assertGone();
        assertThat(node.state()).isEqualTo(empty);
    }
}
