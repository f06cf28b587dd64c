package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.HostState;

/**
 * The IPAM plugin failing or hanging during ADD, against a private ovsdb-server: {@code faulty-ipam} is the real
 * host-local with a fault after it (or instead of it) on ADD. Each ADD fails with a clear CNI error, a lease
 * already taken is released by the rollback, a hung plugin is killed after {@code USERSPACE_CNI_IPAM_TIMEOUT},
 * the node is exactly as before, and the same ADD with host-local itself then works.
 */
class IpamFaultIT {

    static final String CONTAINER = "ipamfault001";

    /** host-local, then the fault named by IPAM_FAULT when the command is ADD. */
    static final String FAULTY_IPAM = "#!/bin/sh\n"
            + "[ \"$CNI_COMMAND\" = ADD ] || exec " + HostLocalIpam.CNI_BIN.resolve("host-local") + "\n"
            + "case \"$IPAM_FAULT\" in\n"
            + "refuse) echo '{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"no addresses left\"}'; exit 1;;\n"
            + "esac\n"
            + "leased=$(" + HostLocalIpam.CNI_BIN.resolve("host-local") + ") || { echo \"$leased\"; exit 1; }\n"
            + "case \"$IPAM_FAULT\" in\n"
            + "fail) echo '{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"injected failure\"}'; exit 1;;\n"
            + "crash) echo 'panic: injected' >&2; exit 2;;\n"
            + "garbage) echo 'this is not a result';;\n"
            + "hang) exec sleep 3600;;\n"
            + "esac\n";

    @TempDir
    Path root;
    OvsdbHost host;
    Path bin;

    @BeforeEach
    void start() throws IOException {
        host = new OvsdbHost(root.resolve("node"));
        bin = Files.createDirectories(root.resolve("bin"));
        Path faulty = bin.resolve("faulty-ipam");
        Files.writeString(faulty, FAULTY_IPAM);
        Files.setPosixFilePermissions(faulty, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stop() {
        host.close();
    }

    @ParameterizedTest(name = "{0}: code {1}")
    @CsvSource({"refuse, 11, no addresses left", "fail, 11, injected failure", "crash, 5, exit code 2",
            "garbage, 6, printed no result", "hang, 11, did not finish within 2 s"})
    void addFailsClearlyAndLeavesTheNodeAsItWas(String fault, int code, String message) {
        HostState before = host.state();

        CniInvocation.Outcome failed = host.plugin(CONTAINER)
                .env("CNI_PATH", bin + ":" + HostLocalIpam.CNI_BIN)
                .env("IPAM_FAULT", fault)
                .env(HostPluginModule.IPAM_TIMEOUT_VARIABLE, "2")
                .run("ADD", host.config("rel-net", "faulty-ipam", CONTAINER));

        assertThat(failed.exitCode()).as(failed.stdout() + failed.stderr()).isEqualTo(1);
        assertThat(failed.json().path("code").asInt()).as(failed.stdout()).isEqualTo(code);
        assertThat(failed.json().path("msg").asText() + failed.json().path("details").asText()).contains(message);
        // What the IPAM plugin may hold after its failed ADD is not provably this ADD's: the runtime's DEL releases it.
        assertThat(host.plugin(CONTAINER).env("CNI_PATH", bin + ":" + HostLocalIpam.CNI_BIN)
                .run("DEL", host.config("rel-net", "faulty-ipam", CONTAINER)).exitCode()).isZero();
        assertThat(host.state()).isEqualTo(before);

        CniInvocation.Outcome added = host.plugin(CONTAINER).run("ADD", host.config(CONTAINER));
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        assertThat(host.ipam.leases()).hasSize(1);
        assertThat(host.plugin(CONTAINER).run("DEL", host.config(CONTAINER)).exitCode()).isZero();
        assertThat(host.state()).isEqualTo(before);
    }
}
