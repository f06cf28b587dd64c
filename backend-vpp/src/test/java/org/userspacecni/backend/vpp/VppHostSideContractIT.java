package org.userspacecni.backend.vpp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.testkit.tck.HostDatapath;
import org.userspacecni.testkit.tck.HostSideContract;

/**
 * The backend TCK's host-side contract against a real VPP: memif ports, VPP the master
 * that makes their sockets.
 */
class VppHostSideContractIT extends HostSideContract {

    /** The interface fields of the host section. */
    protected String interfaceFields() {
        return "\"iftype\":\"memif\"";
    }

    @Override
    protected HostDatapath start(Path root) {
        TckVpp vpp = new TckVpp(root.resolve("vpp"));
        return new HostDatapath() {
            @Override
            public String hostSection() {
                return section("\"netType\":\"bridge\",\"bridge\":{\"bridgeName\":\"7\"}");
            }

            @Override
            public Set<String> refusedHostSections() {
                return Set.of(section("\"netType\":\"bridge\",\"bridge\":{\"bridgeName\":\"br7\"}"),
                        section("\"netType\":\"bridge\",\"bridge\":{\"bridgeName\":\"0\"}"),
                        // SPI 2.2's fields this engine does not implement: refused, not ignored.
                        section("\"policing\":{\"rate\":1000}"),
                        section("\"mirrors\":[{\"name\":\"tap\"}]"),
                        section("\"bridge\":{\"trunk\":[{\"id\":10}]}"));
            }

            private String section(String more) {
                return "{\"engine\":\"vpp\"," + interfaceFields() + ",\"options\":{\"apiSocket\":\""
                        + vpp.apiSocket() + "\"}," + more + "}";
            }

            @Override
            public int ports(String network) {
                return vpp.tagged(network);
            }

            @Override
            public boolean holds(String network, AttachmentId id) {
                return vpp.tagged(network, id);
            }

            @Override
            public String addOperatorPort(String name) {
                try (Vpp api = Vpp.open(vpp.apiSocket(), Duration.ofSeconds(10))) {
                    int swIfIndex = api.createVhost(root.resolve(name), true, Optional.empty(), "");
                    return vpp.current().findInterface(swIfIndex).orElseThrow().name();
                }
            }

            @Override
            public boolean hasOperatorPort(String name) {
                return vpp.current().findInterface(name).isPresent();
            }

            @Override
            public void stop() {
                vpp.stop();
            }

            @Override
            public void restart() {
                vpp.start();
            }

            @Override
            public void close() {
                vpp.stop();
            }
        };
    }
}
