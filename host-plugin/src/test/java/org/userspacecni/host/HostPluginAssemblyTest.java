package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProviderLoader;
import org.userspacecni.core.StateLock;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.PodStoreProvider;

/**
 * The host plugin's component makes its parts from what the command brings: the data directory of the network's
 * configuration holds the journal and the lock, the IPAM timeout is the environment's, and the pod stores are
 * looked for only when a command asks for its pod, so that assembling a command costs no search for them.
 */
class HostPluginAssemblyTest {

    @TempDir
    Path dir;

    private final RecordingLoader loader = new RecordingLoader();

    @Test
    void thePodStoresAreLookedForOnlyWhenACommandAsksForItsPod() {
        HostPluginComponent component = assemble(Map.of());
        component.plugin();
        assertThat(loader.asked).contains(services(DatapathBackendProvider.class))
                .doesNotContain(services(PodStoreProvider.class));
        component.podStores().get();
        assertThat(loader.asked).contains(services(PodStoreProvider.class));
    }

    @Test
    void theJournalAndTheLockAreInTheNetworksDataDirectory() {
        HostPluginComponent component = assemble(Map.of());
        try (StateLock.Held held = component.lock().acquire()) {
            assertThat(dir.resolve("data").resolve(StateLock.FILE_NAME)).isRegularFile();
        }
        assertThat(component.journal().begin("net", new AttachmentId("c0ffee", "net1"))).isTrue();
        assertThat(dir.resolve("data").resolve(AttachmentJournal.DIRECTORY)).isDirectory();
    }

    @Test
    void anIpamTimeoutThatIsNoWholeNumberOfSecondsIsRefused() {
        HostPluginComponent component = assemble(Map.of(HostPluginModule.IPAM_TIMEOUT_VARIABLE, "0"));
        assertThatThrownBy(component::ipam).isInstanceOfSatisfying(CniException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ENVIRONMENT_VARIABLES.code());
            assertThat(e.getMessage()).startsWith(HostPluginModule.IPAM_TIMEOUT_VARIABLE + " must be");
        });
    }

    private HostPluginComponent assemble(Map<String, String> variables) {
        NetConf netConf = NetConfDecoder.netConf(NetConfDecoder.parseObject(("{\"cniVersion\":\"1.1.0\","
                + "\"name\":\"net\",\"type\":\"userspace\",\"dataDir\":\"" + dir.resolve("data") + "\","
                + "\"host\":{\"engine\":\"recording\",\"iftype\":\"vhostuser\"}}").getBytes(StandardCharsets.UTF_8)));
        return DaggerHostPluginComponent.factory().create(CniEnvironment.of(CniCommand.VERSION, variables), netConf,
                System.err, new CniLog("test", System.err), new ProviderLoader(loader));
    }

    private static String services(Class<?> type) {
        return "META-INF/services/" + type.getName();
    }

    /** The test's class path, noting which resources were looked for: how ServiceLoader finds providers. */
    private static final class RecordingLoader extends ClassLoader {
        final List<String> asked = new CopyOnWriteArrayList<>();

        RecordingLoader() {
            super(HostPluginAssemblyTest.class.getClassLoader());
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            asked.add(name);
            return super.getResources(name);
        }
    }
}
