package org.userspacecni.backend.ovs;

import java.nio.file.Path;
import java.util.Set;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.testkit.OvsSandbox;
import org.userspacecni.testkit.tck.HostDatapath;
import org.userspacecni.testkit.tck.HostSideContract;

/**
 * The backend TCK's host-side contract against a private OVS-DPDK: ovsdb-server, and ovs-vswitchd with DPDK on
 * the hugepages scripts/test reserved. "Unreachable" is ovsdb-server stopped, the engine's control plane.
 */
class OvsDpdkHostSideContractIT extends HostSideContract {

    @Override
    protected HostDatapath start(Path root) {
        OvsSandbox ovs = OvsSandbox.start(root);
        try {
            ovs.startVswitchd("usrsp-tck-host");
        } catch (RuntimeException e) {
            ovs.close();
            throw e;
        }
        return new HostDatapath() {
            @Override
            public String hostSection() {
                return section("\"bridge\":{\"bridgeName\":\"br-tck\"}");
            }

            @Override
            public Set<String> refusedHostSections() {
                return Set.of(section("\"bridge\":{\"bridgeName\":\"../br\"}"),
                        section("\"netType\":\"interface\""));
            }

            private String section(String more) {
                return "{\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"options\":{\"ovsdbSocket\":\""
                        + ovs.dbSocket() + "\"}," + more + "}";
            }

            @Override
            public int ports(String network) {
                return OvsdbMarks.interfaces(ovs, network);
            }

            @Override
            public boolean holds(String network, AttachmentId id) {
                return OvsdbMarks.holds(ovs, network, id);
            }

            @Override
            public String addOperatorPort(String name) {
                ovs.vsctl("--no-wait", "--may-exist", "add-br", "br-tck", "--", "set", "Bridge", "br-tck",
                        "datapath_type=netdev", "--", "add-port", "br-tck", name);
                return name;
            }

            @Override
            public boolean hasOperatorPort(String name) {
                return ovs.vsctl("list-ports", "br-tck").lines().anyMatch(name::equals);
            }

            @Override
            public void stop() {
                ovs.stopDatabase(false);
            }

            @Override
            public void restart() {
                ovs.startDatabase();
            }

            @Override
            public void close() {
                ovs.close();
            }
        };
    }
}
