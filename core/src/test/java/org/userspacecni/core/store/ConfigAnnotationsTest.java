package org.userspacecni.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.userspacecni.core.store.FileConfigStoreTest.config;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.userspacecni.core.CniLog;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;

/**
 * The annotations' shape, written and read through the one class that knows it: an attachment's entry replaces
 * its earlier one beside the others' entries, the last one out takes both annotations with it, and entries that
 * are not a JSON array are never overwritten.
 */
class ConfigAnnotationsTest {

    private static final String POD = "pod default/web";
    private final CniLog log = new CniLog("test", System.err);

    @Test
    void anEntryReplacesItsAttachmentsEarlierOneAndKeepsTheOthers() {
        ContainerConfig net1 = config("0123456789abcdef", "net1", "");
        ContainerConfig net2 = config("0123456789abcdef", "net2", "");
        ContainerConfig net1Again = config("0123456789abcdef", "net1", "  ");
        Map<String, String> annotations = Map.of("other", "kept");

        annotations = ConfigAnnotations.put(annotations, net1, "/var/lib/cni/usrspcni/shared", POD);
        annotations = ConfigAnnotations.put(annotations, net2, "/var/lib/cni/usrspcni/shared", POD);
        annotations = ConfigAnnotations.put(annotations, net1Again, "/var/lib/cni/usrspcni/shared", POD);

        assertThat(ConfigAnnotations.read(annotations, POD, log)).containsExactly(net2, net1Again);
        assertThat(annotations).containsEntry(ConfigAnnotations.MAPPED_DIR, "/var/lib/cni/usrspcni/shared")
                .containsEntry("other", "kept");
    }

    @Test
    void theLastEntryOutTakesBothAnnotationsAndAnAbsentOneChangesNothing() {
        ContainerConfig net1 = config("0123456789abcdef", "net1", "");
        ContainerConfig net2 = config("0123456789abcdef", "net2", "");
        Map<String, String> one = ConfigAnnotations.put(Map.of("other", "kept"), net1, "/shared", POD);

        assertThat(ConfigAnnotations.remove(one, net2.id(), POD)).isSameAs(one);
        assertThat(ConfigAnnotations.remove(one, net1.id(), POD)).isEqualTo(Map.of("other", "kept"));
    }

    @Test
    void entriesThatAreNotAnArrayAreNeverOverwritten() {
        Map<String, String> annotations = Map.of(ConfigAnnotations.CONFIGURATION_DATA, "{\"someone\":\"else\"}");
        ContainerConfig net1 = config("0123456789abcdef", "net1", "");

        assertThatThrownBy(() -> ConfigAnnotations.put(annotations, net1, "/shared", POD))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(6))
                .hasMessage("cannot read the annotation userspace/configuration-data in pod default/web: a JSON"
                        + " array of container configurations was expected, not object");
        assertThatThrownBy(() -> ConfigAnnotations.remove(annotations, net1.id(), POD))
                .isInstanceOf(CniException.class);
    }
}
