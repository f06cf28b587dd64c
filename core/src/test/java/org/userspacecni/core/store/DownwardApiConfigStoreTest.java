package org.userspacecni.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.userspacecni.core.store.FileConfigStoreTest.config;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.Json;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;

/**
 * The container's view of the attachments the host plugin wrote into the pod's annotations, read from the
 * file of a Downward API volume.
 */
class DownwardApiConfigStoreTest {

    @TempDir
    Path dir;

    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    DownwardApiConfigStore store() {
        return new DownwardApiConfigStore(dir.resolve("annotations"),
                new CniLog("test", new PrintStream(stderr, true)));
    }

    /** Writes the annotations as the kubelet does, with the annotations every pod has. */
    void annotations(Map<String, String> values) throws Exception {
        Map<String, String> sorted = new TreeMap<>(values);
        sorted.put("kubernetes.io/config.seen", "2025-03-14T09:26:53.589793238Z");
        sorted.put("kubernetes.io/config.source", "api");
        StringBuilder file = new StringBuilder();
        sorted.forEach((key, value) -> file.append(file.length() == 0 ? "" : "\n").append(key).append('=')
                .append(PodInfoAnnotationsTest.goQuote(value)));
        Files.writeString(dir.resolve("annotations"), file);
    }

    static String json(Object value) throws Exception {
        return Json.mapper().writeValueAsString(value);
    }

    @Test
    void listsEachAttachmentTheHostPluginWroteAndTheMappedDirectory() throws Exception {
        ContainerConfig net1 = config("0123456789abcdef", "net1", "");
        ContainerConfig net2 = config("0123456789abcdef", "net2", "say \"hi\"\n");
        annotations(Map.of(ConfigAnnotations.CONFIGURATION_DATA, json(List.of(net1, net2)),
                ConfigAnnotations.MAPPED_DIR, "/var/lib/cni/usrspcni"));
        assertThat(store().list()).containsExactly(net1, net2);
        assertThat(store().mappedDir()).contains(Path.of("/var/lib/cni/usrspcni"));
        assertThat(store().hasConfigurationData()).isTrue();
        assertThat(stderr.toString()).isEmpty();
    }

    @Test
    void anEntryThatCannotBeReadIsReportedAndSkipped() throws Exception {
        ContainerConfig net1 = config("0123456789abcdef", "net1", "");
        ContainerConfig net3 = config("0123456789abcdef", "net3", "");
        // What the original plugin wrote: no schemaVersion, no socket.
        Map<String, Object> original = Map.of("containerId", "0123456789abcdef", "ifName", "net2",
                "name", "userspace-ovs-net-1", "config", Map.of("engine", "ovs-dpdk", "iftype", "vhostuser"));
        annotations(Map.of(ConfigAnnotations.CONFIGURATION_DATA, json(List.of(net1, original, net3))));
        assertThat(store().list()).containsExactly(net1, net3);
        assertThat(stderr.toString()).contains("skipping entry 2 (net2) of userspace/configuration-data in "
                + dir.resolve("annotations") + ": it has no schemaVersion, as the original plugin's entries; this"
                + " program reads version 1");
    }

    @Test
    void anEntryOfAnotherShapeIsReportedAndSkipped() throws Exception {
        ContainerConfig net1 = config("0123456789abcdef", "net1", "");
        String future = json(config("0123456789abcdef", "net2", ""))
                .replace("\"schemaVersion\":1", "\"schemaVersion\":2");
        annotations(Map.of(ConfigAnnotations.CONFIGURATION_DATA, "[" + json(net1) + "," + future + ",42]"));
        assertThat(store().list()).containsExactly(net1);
        assertThat(stderr.toString()).contains("skipping entry 2 (net2) of userspace/configuration-data in "
                + dir.resolve("annotations") + ": container configuration has schema version 2; this program reads"
                + " version 1").contains("skipping entry 3 of userspace/configuration-data");
    }

    @Test
    void noAnnotationOrNoFileHoldsNoAttachments() throws Exception {
        assertThat(store().list()).isEmpty();
        annotations(Map.of("k8s.v1.cni.cncf.io/networks", "userspace-ovs-net-1"));
        assertThat(store().list()).isEmpty();
        assertThat(store().hasConfigurationData()).isFalse();
        assertThat(store().mappedDir()).isEmpty();
    }

    @Test
    void anAnnotationThatIsNotAnArrayIsAnErrorNamingTheFile() throws Exception {
        annotations(Map.of(ConfigAnnotations.CONFIGURATION_DATA, json(config("0123456789abcdef", "net1", ""))));
        assertThatThrownBy(() -> store().list()).isInstanceOfSatisfying(CniException.class, e -> assertThat(
                e.getMessage()).isEqualTo("cannot read the annotation userspace/configuration-data in "
                        + dir.resolve("annotations") + ": a JSON array of container configurations was expected,"
                        + " not object"));
    }
}
