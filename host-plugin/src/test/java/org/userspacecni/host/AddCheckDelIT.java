package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.userspacecni.core.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.userspacecni.testkit.CniInvocation;

/**
 * The whole life of an attachment through the built plugin, in every supported version: ADD returns the
 * host-local lease in the version asked for, CHECK passes on that result and fails with 100 on one whose address
 * or socket is not what the attachment holds, DEL three times in a row
 * succeeds, and nothing is left: no port, no lease.
 */
class AddCheckDelIT extends PluginFixtureTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"})
    void addCheckDel(String version) throws Exception {
        String containerId = "c0ffee" + version.replace(".", "") + "abcdef";
        CniInvocation plugin = fixture.attachment(containerId, "net1");
        String config = fixture.config(version, "");

        CniInvocation.Outcome added = plugin.run("ADD", config);
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        JsonNode result = added.json();
        assertThat(result.path("cniVersion").asText()).isEqualTo(version);
        assertThat(result.at("/interfaces/0/name").asText()).isEqualTo("net1");
        assertThat(result.at("/interfaces/0/sandbox").asText()).isEqualTo(fixture.netns.path().toString());
        assertThat(result.at("/ips/0/address").asText()).startsWith("10.56.217.").endsWith("/24");
        assertThat(result.at("/ips/0/gateway").asText()).isEqualTo("10.56.217.1");
        assertThat(result.at("/ips/0/interface").asInt()).isZero();
        assertThat(result.at("/ips/0/version").isMissingNode()).isEqualTo(version.startsWith("1."));
        assertThat(result.at("/interfaces/0/socketPath").isMissingNode()).isEqualTo(!version.equals("1.1.0"));
        assertThat(result.at("/routes/0/dst").asText()).isEqualTo("0.0.0.0/0");
        String leased = result.at("/ips/0/address").asText().split("/")[0];
        assertThat(fixture.ipam.leases()).containsExactly(leased);
        assertThat(fixture.ports()).hasSize(1);
        Path stored = fixture.dataDir().resolve(containerId + "/net1.json");
        JsonNode document = readJson(stored);
        assertThat(document.path("schemaVersion").asInt()).isEqualTo(1);
        assertThat(document.path("socket").asText()).isEqualTo(containerId.substring(0, 12) + "-net1");
        assertThat(document.at("/config/vhost/mode").asText()).isEqualTo("server");
        assertThat(document.at("/config/netType").asText()).isEqualTo("interface");
        assertThat(document.path("mac").asText()).isEqualTo(result.at("/interfaces/0/mac").asText());
        assertThat(document.at("/ipResult/ips/0/address").asText()).isEqualTo(result.at("/ips/0/address").asText());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stored))).isEqualTo("rw-------");

        String withResult = fixture.config(version, ",\"prevResult\":" + result);
        if (!version.startsWith("0.3")) {
            CniInvocation.Outcome checked = plugin.run("CHECK", withResult);
            assertThat(checked.exitCode()).as(checked.stdout() + checked.stderr()).isZero();
            assertThat(checked.stdout()).isEmpty();

            String otherAddress = result.toString().replace(result.at("/ips/0/address").asText(), "10.56.217.250/24");
            CniInvocation.Outcome address = plugin.run("CHECK", fixture.config(version, ",\"prevResult\":" + otherAddress));
            assertThat(address.json().path("code").asInt()).as(address.stdout()).isEqualTo(100);
            assertThat(address.json().path("msg").asText()).contains("10.56.217.250/24").contains(leased);
            if (version.equals("1.1.0")) {
                String otherSocket = result.toString().replace(result.at("/interfaces/0/socketPath").asText(),
                        fixture.sharedDir().resolve("elsewhere").toString());
                CniInvocation.Outcome socket = plugin.run("CHECK", fixture.config(version, ",\"prevResult\":" + otherSocket));
                assertThat(socket.json().path("code").asInt()).as(socket.stdout()).isEqualTo(100);
                assertThat(socket.json().path("msg").asText()).contains("elsewhere");
            }
        }

        for (int i = 0; i < 3; i++) {
            CniInvocation.Outcome deleted = plugin.run("DEL", withResult);
            assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
            assertThat(deleted.stdout()).isEmpty();
        }
        assertThat(fixture.ipam.leases()).isEmpty();
        assertThat(fixture.ports()).isEmpty();
        assertThat(stored.getParent()).doesNotExist();
    }

    private static JsonNode readJson(Path file) {
        try {
            return Json.mapper().readTree(file.toFile());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
