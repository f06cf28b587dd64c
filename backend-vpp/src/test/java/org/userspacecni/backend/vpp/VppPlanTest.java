package org.userspacecni.backend.vpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BridgeConfig;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.LogLevel;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.NetType;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.Policing;
import org.userspacecni.spi.PortMirror;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostConfig;
import org.userspacecni.spi.VlanRange;
import org.userspacecni.testkit.PlacedSockets;

/** Tags and plans are worked out, and bad settings refused, before VPP is asked anything. */
class VppPlanTest {

    static final AttachmentId ID = new AttachmentId("a".repeat(64), "net123456789012");

    static Side side(Optional<NetType> netType, Optional<String> bridgeName, Map<String, Object> options) {
        return new Side("vpp", InterfaceType.MEMIF, netType, VhostConfig.EMPTY, MemifConfig.EMPTY,
                new BridgeConfig(bridgeName, Optional.empty(), Optional.empty()), options);
    }

    @Test
    void theTagFitsVppsSixtyThreeBytesAndNamesNetworkContainerAndInterface() {
        String tag = VppTag.of("n".repeat(255), ID).value();
        assertThat(tag.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
        assertThat(tag).startsWith(VppTag.ofNetwork("n".repeat(255)) + "a".repeat(12) + "~")
                .endsWith(":" + ID.ifName());
        assertThat(VppTag.ofNetwork("net-a")).isNotEqualTo(VppTag.ofNetwork("net-b")).startsWith("usrsp:");
    }

    @Test
    void containerIdsThatDifferOnlyInTheirLastCharacterHaveTagsOfTheirOwn() {
        AttachmentId other = new AttachmentId("a".repeat(63) + "b", ID.ifName());
        assertThat(VppTag.of("n", other).value()).isNotEqualTo(VppTag.of("n", ID).value());
        assertThat(VppTag.of("n", other).marks(VppTag.of("n", ID).value())).isFalse();
    }

    @Test
    void anEarlierTagIsTheAttachmentsOnlyWhereItHeldTheWholeContainerId() {
        AttachmentId shortId = new AttachmentId("c".repeat(32), "eth0");
        assertThat(VppTag.of("n", shortId).marks(VppTag.ofNetwork("n") + "c".repeat(32) + ":eth0")).isTrue();
        // The earlier tag of a longer id held its first 32 characters, which another container's id may share.
        String earlier = VppTag.ofNetwork("n") + "a".repeat(32) + ":" + ID.ifName();
        assertThat(VppTag.of("n", ID).marks(earlier)).isFalse();
        assertThat(VppTag.mayMark(earlier, "n", ID)).as("GC keeps what may be a valid attachment's").isTrue();
        assertThat(VppTag.of("m", shortId).marks(VppTag.ofNetwork("n") + "c".repeat(32) + ":eth0")).isFalse();
    }

    @Test
    void aBridgeDomainIsTheNumberInBridgeNameAndOneByDefault() {
        Path socket = Path.of("/run/usrsp/memif.sock");
        assertThat(VppPlan.of(side(Optional.of(NetType.BRIDGE), Optional.of("42"), Map.of()), "n", ID, socket)
                .bridgeDomain()).contains(42);
        assertThat(VppPlan.of(side(Optional.of(NetType.BRIDGE), Optional.empty(), Map.of()), "n", ID, socket)
                .bridgeDomain()).contains(1);
        assertThat(VppPlan.of(side(Optional.of(NetType.INTERFACE), Optional.of("42"), Map.of()), "n", ID, socket)
                .bridgeDomain()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"br0", "0", "16777216", "-3"})
    void aBridgeNameThatIsNotABridgeDomainIsSeven(String name) {
        assertThatThrownBy(() -> VppPlan.of(side(Optional.of(NetType.BRIDGE), Optional.of(name), Map.of()), "n", ID,
                Path.of("/s.sock"))).isInstanceOfSatisfying(CniException.class, e -> {
                    assertThat(e.code()).isEqualTo(7);
                    assertThat(e.getMessage()).contains("number of a bridge domain").contains(name);
                });
    }

    @Test
    void crossConnectAndBridgeExcludeEachOther() {
        assertThatThrownBy(() -> VppPlan.of(side(Optional.of(NetType.BRIDGE), Optional.empty(),
                Map.of("xconnect", "net2")), "n", ID, Path.of("/s.sock")))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(7));
    }

    @Test
    void policingMirrorsAndTrunksAreRefusedAsUnsupportedRatherThanIgnored() {
        Side memif = side(Optional.empty(), Optional.empty(), Map.of());
        Side policed = new Side(memif.engine(), memif.iftype(), memif.netType(), memif.vhost(), memif.memif(),
                memif.bridge(), Optional.of(new Policing(Optional.of(1000), Optional.empty())), List.of(),
                memif.options());
        Side trunk = new Side(memif.engine(), memif.iftype(), memif.netType(), memif.vhost(), memif.memif(),
                new BridgeConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        List.of(VlanRange.of(10, 20)), Optional.empty()), memif.options());
        Side mirrored = new Side(memif.engine(), memif.iftype(), memif.netType(), memif.vhost(), memif.memif(),
                memif.bridge(), Optional.empty(), List.of(new PortMirror("tap", Optional.empty(), Optional.empty(),
                        Optional.empty())), memif.options());
        for (Side side : List.of(policed, trunk, mirrored)) {
            assertThatThrownBy(() -> VppPlan.of(side, "n", ID, Path.of("/s.sock"))).isInstanceOfSatisfying(
                    CniException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_FIELD.code()));
        }
    }

    @Test
    void theSocketChoicesAreWhereTheProgramPlacesThemAndOneTooLongThereIsSeven() {
        Side memif = side(Optional.empty(), Optional.empty(), Map.of());
        NetConf net = new NetConf("1.1.0", "n", "userspace", memif, Optional.empty(), Optional.empty(),
                Optional.of("/shared"), Optional.empty(), Optional.empty(), Optional.empty(), LogLevel.INFO,
                Optional.empty());
        Attachment placed = new Attachment(ID, Optional.empty(), Network.of(net), "02:00:00:00:00:01",
                PlacedSockets.in(Path.of("/shared")));
        assertThat(VppHostSide.socketChoices(placed)).allSatisfy(socket -> assertThat(socket.getParent())
                .isEqualTo(Path.of("/shared"))).first().hasToString("/shared/memif-aaaaaaaaaaaa-net123456789012.sock");

        Attachment tooLong = new Attachment(ID, Optional.empty(), Network.of(net), "02:00:00:00:00:01",
                PlacedSockets.in(Path.of("/" + "d".repeat(100))));
        assertThatThrownBy(() -> VppHostSide.socketChoices(tooLong))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(7));
    }

    @Test
    void memifRingSettingsAreChecked() {
        assertThatThrownBy(() -> new MemifConfig(Optional.empty(), null, Optional.empty(), Optional.empty(),
                Optional.of(1000), Optional.empty(), Optional.empty())).hasMessageContaining("power of 2");
        assertThatThrownBy(() -> new MemifConfig(Optional.empty(), null, Optional.empty(), Optional.of(0),
                Optional.empty(), Optional.empty(), Optional.empty())).hasMessageContaining("memif.queues");
        assertThatThrownBy(() -> new MemifConfig(Optional.empty(), null, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of("s".repeat(24)))).hasMessageContaining("23");
    }
}
