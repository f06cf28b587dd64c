package org.userspacecni.core.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userspacecni.core.fuzz.CniErrorShape.assertWellFormed;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.userspacecni.core.Json;
import org.userspacecni.core.fuzz.HostileInput;
import org.userspacecni.core.fuzz.Property;
import org.userspacecni.spi.CniException;

/**
 * Results in every supported version: a generated result rendered in its version and read back is the same
 * result; converted to any other version it keeps everything that version can express; and any JSON given
 * where a result belongs (a {@code prevResult}) is read as a result or refused with a well-formed CNI error.
 * Inputs per run: 1,000 round trips, 1,000 conversions, 1,000 arbitrary and 1,000 mutated results (see
 * {@link Property} to reproduce).
 */
class HostileResultTest {

    record Generated(CniVersion version, CniResult result) {
    }

    @Test
    void aResultRenderedInItsVersionReadsBackTheSame() {
        Property.forAll(1000, HostileResultTest::generated, generated -> {
            JsonNode rendered = reparsed(ResultCodec.render(generated.result(), generated.version()));
            assertThat(ResultCodec.parse(rendered, generated.version(), "result")).isEqualTo(generated.result());
        });
    }

    @Test
    void aResultConvertedToAnotherVersionKeepsWhatThatVersionExpresses() {
        Property.forAll(1000, random -> new Object[] {generated(random), version(random)}, pair -> {
            Generated from = (Generated) pair[0];
            CniVersion to = (CniVersion) pair[1];
            JsonNode rendered = reparsed(ResultCodec.render(from.result(), to));
            assertThat(rendered.path("cniVersion").asText()).isEqualTo(to.text());
            assertThat(ResultCodec.parse(rendered, to, "result")).isEqualTo(expressible(from.result(), to));
        });
    }

    @Test
    void anyJsonAsAResultIsAResultOrACniError() {
        Property.forAll(1000, random -> new Object[] {HostileInput.json(random, 5), version(random)},
                pair -> readOrRefuse((JsonNode) pair[0], (CniVersion) pair[1]));
    }

    @Test
    void aMutatedResultIsAResultOrACniError() {
        Property.forAll(1000, random -> {
            Generated valid = generated(random);
            return new Object[] {HostileInput.mutation(random, ResultCodec.render(valid.result(), valid.version())),
                valid.version()};
        }, pair -> readOrRefuse((JsonNode) pair[0], (CniVersion) pair[1]));
    }

    static void readOrRefuse(JsonNode node, CniVersion version) {
        try {
            CniResult result = ResultCodec.parse(node, version, "prevResult");
            // What was accepted can be written in every version.
            for (CniVersion to : CniVersion.values()) {
                ResultCodec.render(result, to);
            }
        } catch (CniException e) {
            assertWellFormed(e);
        }
    }

    static JsonNode reparsed(JsonNode rendered) {
        try {
            return Json.mapper().readTree(Json.mapper().writeValueAsBytes(rendered));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code result} without what {@code version} cannot carry. */
    static CniResult expressible(CniResult result, CniVersion version) {
        if (version.atLeast(CniVersion.V1_1_0)) {
            return result;
        }
        List<CniResult.NetInterface> interfaces = new ArrayList<>();
        result.interfaces().forEach(nic -> interfaces.add(new CniResult.NetInterface(nic.name(), nic.mac(),
                Optional.empty(), nic.sandbox(), Optional.empty(), Optional.empty())));
        List<CniResult.Route> routes = new ArrayList<>();
        result.routes().forEach(route -> routes.add(new CniResult.Route(route.dst(), route.gw(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())));
        return new CniResult(interfaces, result.ips(), routes, result.dns());
    }

    static CniVersion version(SplittableRandom random) {
        return CniVersion.values()[random.nextInt(CniVersion.values().length)];
    }

    /** A valid result holding only what its version can express. */
    static Generated generated(SplittableRandom random) {
        CniVersion version = version(random);
        boolean v11 = version.atLeast(CniVersion.V1_1_0);
        List<CniResult.NetInterface> interfaces = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            interfaces.add(new CniResult.NetInterface(text(random), maybe(random, () -> mac(random)),
                    v11 ? maybe(random, () -> random.nextInt(68, 9703)) : Optional.empty(),
                    maybe(random, () -> "/var/run/netns/" + text(random)),
                    v11 ? maybe(random, () -> "/var/lib/cni/usrspcni/shared/" + text(random)) : Optional.empty(),
                    v11 ? maybe(random, () -> "0000:00:0" + random.nextInt(10) + ".0") : Optional.empty()));
        }
        List<CniResult.IpConfig> ips = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            boolean v6 = random.nextBoolean();
            ips.add(new CniResult.IpConfig(cidr(random, v6), maybe(random, () -> address(random, v6)),
                    interfaces.isEmpty() ? Optional.empty()
                            : maybe(random, () -> random.nextInt(interfaces.size()))));
        }
        List<CniResult.Route> routes = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            boolean v6 = random.nextBoolean();
            routes.add(new CniResult.Route(cidr(random, v6), maybe(random, () -> address(random, v6)),
                    v11 ? maybe(random, () -> random.nextInt(68, 9703)) : Optional.empty(),
                    v11 ? maybe(random, random::nextInt) : Optional.empty(),
                    v11 ? maybe(random, random::nextInt) : Optional.empty(),
                    v11 ? maybe(random, random::nextInt) : Optional.empty(),
                    v11 ? maybe(random, () -> random.nextInt(256)) : Optional.empty()));
        }
        CniResult.Dns dns = new CniResult.Dns(strings(random), maybe(random, () -> text(random)), strings(random),
                strings(random));
        return new Generated(version, new CniResult(interfaces, ips, routes, Optional.of(dns)));
    }

    static <T> Optional<T> maybe(SplittableRandom random, java.util.function.Supplier<T> value) {
        return random.nextBoolean() ? Optional.of(value.get()) : Optional.empty();
    }

    static List<String> strings(SplittableRandom random) {
        List<String> strings = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            strings.add(text(random));
        }
        return strings;
    }

    static String text(SplittableRandom random) {
        return HostileInput.string(random);
    }

    static String mac(SplittableRandom random) {
        return String.format("02:%02x:%02x:%02x:%02x:%02x", random.nextInt(256), random.nextInt(256),
                random.nextInt(256), random.nextInt(256), random.nextInt(256));
    }

    static String address(SplittableRandom random, boolean v6) {
        return v6 ? String.format("fd%02x:%x::%x", random.nextInt(256), random.nextInt(65536), random.nextInt(65536))
                : random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
    }

    static String cidr(SplittableRandom random, boolean v6) {
        return address(random, v6) + "/" + random.nextInt(v6 ? 129 : 33);
    }
}
