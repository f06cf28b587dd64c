package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.ProviderKind;
import org.userspacecni.core.Providers;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.PodStore;
import org.userspacecni.spi.PodStoreProvider;
import org.userspacecni.spi.SpiVersion;

/**
 * A pod store built for an SPI the plugin cannot run fails the command, with error 7 naming it, its jar and both
 * versions, before any pod store is asked; one of this SPI is asked as before.
 */
class PodStoreOfAnotherSpiIsRefusedTest {

    private final BackendContext context = new ProgramContext(Map.of(), new CniLog("test", System.err));
    private final NetConf conf = NetConfDecoder.netConf(NetConfDecoder.parseObject(("{\"cniVersion\":\"1.1.0\","
            + "\"name\":\"net\",\"type\":\"userspace\",\"host\":{\"engine\":\"recording\",\"iftype\":\"vhostuser\"}}")
            .getBytes(StandardCharsets.UTF_8)));

    @Test
    void aPodStoreForAnotherMajorFailsTheCommand() {
        AskedPodStore current = new AskedPodStore("current", SpiVersion.CURRENT);
        assertThatThrownBy(() -> Pods.open(installed(current, new AskedPodStore("asked", "1.1")), conf, Map.of(),
                context))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(7))
                .hasMessageStartingWith("pod store 'asked' cannot be used: its provider " + AskedPodStore.class.getName()
                        + " from ")
                .hasMessageEndingWith(" was built for SPI 1.1, and this program provides SPI " + SpiVersion.CURRENT
                        + "; install a build of that pod store for SPI " + SpiVersion.MAJOR + ".x, up to "
                        + SpiVersion.CURRENT);
        assertThat(current.asked).isFalse();
    }

    @Test
    void aPodStoreOfThisSpiIsAsked() {
        AskedPodStore current = new AskedPodStore("current", SpiVersion.CURRENT);
        Pods.open(installed(current), conf, Map.of(), context).close();
        assertThat(current.asked).isTrue();
    }

    private Providers<PodStoreProvider> installed(PodStoreProvider... providers) {
        return new Providers<>(ProviderKind.POD_STORES, List.of(providers), context.logger());
    }

    /** A platform built for {@code spiVersion} that serves no pod and remembers being asked. */
    private static final class AskedPodStore implements PodStoreProvider {
        private final String name;
        private final String spiVersion;
        private boolean asked;

        AskedPodStore(String name, String spiVersion) {
            this.name = name;
            this.spiVersion = spiVersion;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String spiVersion() {
            return spiVersion;
        }

        @Override
        public Optional<PodStore> open(NetConf netConf, Map<String, String> cniArgs, BackendContext context) {
            asked = true;
            return Optional.empty();
        }
    }
}
