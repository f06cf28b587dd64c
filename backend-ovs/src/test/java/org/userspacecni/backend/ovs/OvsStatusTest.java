package org.userspacecni.backend.ovs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.ErrorCode;

/** STATUS: OVSDB not reachable is 50; reachable without DPDK initialised is 51. */
class OvsStatusTest {

    @TempDir
    Path root;

    @Test
    void reachableWithoutDpdkIsLimitedAndUnreachableIsUnavailable() {
        try (OvsFixture fixture = new OvsFixture(root)) {
            DatapathStatus limited = fixture.host.status(fixture.netConf("net", ""));
            assertThat(limited.available()).isFalse();
            assertThat(limited.code()).isEqualTo(ErrorCode.LIMITED_CONNECTIVITY);
            assertThat(limited.message()).contains("DPDK is not initialised");

            fixture.ovs.stopDatabase(false);
            DatapathStatus down = fixture.host.status(fixture.netConf("net", ""));
            assertThat(down.available()).isFalse();
            assertThat(down.code()).isEqualTo(ErrorCode.PLUGIN_NOT_AVAILABLE);
            assertThat(down.message()).contains("not reachable");
        }
    }

    @Test
    void aDeadDatabaseMakesAddAndDelTryAgainLaterAndCreatesNothing() {
        try (OvsFixture fixture = new OvsFixture(root)) {
            fixture.ovs.stopDatabase(true);
            var a = fixture.attachment("dead00000001", "net1", fixture.netConf("net", ""));
            VhostUserPortTest.assertCode(() -> fixture.host.add(a), 11, "not reachable");
            VhostUserPortTest.assertCode(() -> fixture.host.delete(a), 11, "not reachable");
            assertThat(fixture.sharedDir()).doesNotExist();
            fixture.ovs.startDatabase();
            fixture.host.add(a);
            assertThat(fixture.list("list-ports", "br0")).isEqualTo("dead00000001-net1");
        }
    }
}
