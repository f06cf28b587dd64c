package com.example.vhosttap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.testkit.HostCommand;
import org.userspacecni.testkit.tck.HostDatapath;
import org.userspacecni.testkit.tck.HostSideContract;

/**
 * The backend TCK's host-side contract against real forwarders: testpmd on a hugetlbfs of the test's own, TAP
 * devices on a Linux bridge of the test's own. The fixture looks at the host itself: the pid files (the
 * engine's marks), {@code /proc/<pid>/cmdline} and {@code ip link}. "Unreachable" is the hugetlbfs unmounted,
 * which is what an operator meets on a node whose hugepages are not (yet) mounted.
 */
class VhostTapHostSideContractIT extends HostSideContract {

    @Override
    protected HostDatapath start(Path root) {
        Hugepages hugepages = Hugepages.mount(root.resolve("huge"));
        String bridge = "vtbr" + UUID.randomUUID().toString().substring(0, 8);
        HostCommand.run("ip", "link", "add", "name", bridge, "type", "bridge");
        return new Forwarders(hugepages, root.resolve("state"), bridge, new ArrayList<>());
    }

    /** The forwarders of the test, as the host shows them. */
    private record Forwarders(Hugepages hugepages, Path state, String bridge, List<String> operatorPorts)
            implements HostDatapath {

        @Override
        public String hostSection() {
            return Engine.hostSection(hugepages.dir(), state, ",\"vhost\":{\"mode\":\"server\"},"
                    + "\"bridge\":{\"bridgeName\":\"" + bridge + "\"}");
        }

        @Override
        public Set<String> refusedHostSections() {
            return Set.of(
                    Engine.hostSection(hugepages.dir(), state, ",\"vhost\":{\"mode\":\"client\"}"),
                    Engine.hostSection(hugepages.dir(), state, ",\"bridge\":{\"bridgeName\":\"vtnosuchbr\"}"),
                    Engine.hostSection(hugepages.dir(), state, ",\"bridge\":{\"bridgeName\":\"../" + bridge + "\"}"),
                    Engine.hostSection(hugepages.dir(), state, ",\"bridge\":{\"bridgeName\":\"" + bridge
                            + "\",\"vlanId\":7}"),
                    Engine.hostSection(hugepages.dir(), state, ",\"vhost\":{\"socketfile\":\"a,iface=b\"}"),
                    Engine.hostSection(hugepages.dir(), state, ",\"policing\":{\"rate\":1000}"),
                    Engine.hostSection(hugepages.dir(), state, ",\"mirrors\":[{\"name\":\"tap\"}]"),
                    Engine.hostSection(hugepages.dir(), state, "").replace("\"iftype\":\"vhostuser\"",
                            "\"iftype\":\"memif\""),
                    Engine.hostSection(hugepages.dir(), state, "").replace(hugepages.dir().toString(), "huge"),
                    Engine.hostSection(hugepages.dir(), state, "").replace("\"stateDir\"", "\"cpus\":\"all\",\"stateDir\""));
        }

        @Override
        public int ports(String network) {
            try (Stream<Path> files = Files.list(state.resolve(network))) {
                return (int) files.filter(file -> file.toString().endsWith(".pid")).count();
            } catch (java.nio.file.NoSuchFileException e) {
                return 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean holds(String network, AttachmentId id) {
            String name = ForwarderName.of(network, id).value();
            Path pidFile = state.resolve(network).resolve(name + ".pid");
            if (!Files.exists(pidFile)) {
                return false;
            }
            String pid = read(pidFile).lines().findFirst().orElse("");
            boolean running = Arrays.asList(read(Path.of("/proc", pid, "cmdline")).split("\0"))
                    .contains("--file-prefix=" + name);
            return running && link(name).contains(" master " + bridge + " ");
        }

        @Override
        public String addOperatorPort(String name) {
            HostCommand.run("ip", "tuntap", "add", "dev", name, "mode", "tap");
            operatorPorts.add(name);
            HostCommand.run("ip", "link", "set", "dev", name, "master", bridge);
            return name;
        }

        @Override
        public boolean hasOperatorPort(String name) {
            return !link(name).isEmpty();
        }

        /** GC ends forwarders and removes files by their pid files, which do not need the hugepages. */
        @Override
        public boolean gcNeedsTheDatapath() {
            return false;
        }

        @Override
        public void stop() {
            hugepages.unmount();
        }

        @Override
        public void restart() {
            hugepages.remount();
        }

        @Override
        public void close() {
            try {
                operatorPorts.forEach(port -> HostCommand.run("ip", "link", "del", "dev", port));
                HostCommand.run("ip", "link", "del", "dev", bridge);
            } finally {
                hugepages.close();
            }
        }

        /** What {@code ip link} shows of device {@code name}; empty when there is none. */
        private static String link(String name) {
            try {
                return HostCommand.run("ip", "-o", "link", "show", "dev", name);
            } catch (IllegalStateException e) {
                return "";
            }
        }

        private static String read(Path file) {
            try {
                return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
    }
}
