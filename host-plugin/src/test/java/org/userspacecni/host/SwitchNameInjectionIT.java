package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.userspacecni.core.Json;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostState;

/**
 * Bridge names that would escape into a path, an ovs-vsctl option or command, or past the kernel's 15-byte
 * interface name, given to the ovs-dpdk engine against a private ovsdb-server: each ADD is error 7 naming
 * {@code host.bridge.bridgeName}, and the database, the plugin's directories and host-local hold nothing new.
 */
class SwitchNameInjectionIT {

    static final String CONTAINER = "brinject0001";

    @TempDir
    static Path root;
    static OvsdbHost host;
    static HostState before;

    @BeforeAll
    static void start() {
        host = new OvsdbHost(root);
        before = host.state();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc", "br/0", "..", ".br", "-br", "--db=unix:/tmp/x", "br 0", "br0;del-br br1",
            "br$(reboot)", "br`id`", "br0\nbr1", "br\u0000", "brücke", "a-bridge-name-of-16", "", "br\"0"})
    void isRefusedAndCreatesNothing(String bridgeName) throws JsonProcessingException {
        String config = host.config(CONTAINER).replace("\"bridgeName\":\"" + OvsdbHost.BRIDGE + "\"",
                "\"bridgeName\":" + Json.mapper().writeValueAsString(bridgeName));

        CniInvocation.Outcome outcome = host.plugin(CONTAINER).run("ADD", config);

        assertThat(outcome.exitCode()).as(outcome.stdout() + outcome.stderr()).isEqualTo(1);
        assertThat(outcome.json().path("code").asInt()).as(outcome.stdout()).isEqualTo(7);
        assertThat(outcome.json().path("msg").asText()).contains("host.bridge.bridgeName");
        assertThat(host.state()).isEqualTo(before);
    }
}
