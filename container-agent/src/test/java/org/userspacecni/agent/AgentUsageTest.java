package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userspacecni.agent.InProcessAgent.agent;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code usrsp-agent} speaks like a command-line tool: help and version on stdout with exit 0, on the command
 * and on every subcommand; bad usage - an unknown option or subcommand, a missing or malformed value - one line
 * naming it and the usage on stderr, exit 2, and nothing run.
 */
class AgentUsageTest {

    @Test
    void helpListsTheSharedOptionsAndTheSubcommandsOnStdout() {
        InProcessAgent.Outcome help = agent("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stderr()).isEmpty();
        assertThat(help.stdout()).startsWith("Usage: usrsp-agent ")
                .contains("--data-dir=DIR", "--podinfo=FILE", "--shared-dir=DIR",
                        "--engine-option=ENGINE.NAME=VALUE", "--state-dir=DIR", "--log-level=LEVEL", "--version")
                .contains("run", "status", "eal-args", "doctor", "engines", "help")
                .contains("2 bad usage");
    }

    @Test
    void withoutASubcommandItSaysHowItIsUsed() {
        InProcessAgent.Outcome none = agent();
        assertThat(none.exitCode()).isZero();
        assertThat(none.stdout()).isEqualTo(agent("--help").stdout());
    }

    @Test
    void versionNamesTheProgramAndItsSpi() {
        InProcessAgent.Outcome version = agent("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.stdout()).matches("usrsp-agent \\S+ \\(SPI \\d+\\.\\d+\\)\\n");
        assertThat(agent("status", "--version").stdout()).isEqualTo(version.stdout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "status", "eal-args", "doctor", "engines"})
    void everySubcommandHasItsHelpBothWays(String subcommand) {
        InProcessAgent.Outcome asked = agent("help", subcommand);
        assertThat(asked.exitCode()).isZero();
        assertThat(asked.stdout()).startsWith("Usage: usrsp-agent " + subcommand + " ").contains("--help");
        InProcessAgent.Outcome flag = agent(subcommand, "--help");
        assertThat(flag.exitCode()).isZero();
        assertThat(flag.stdout()).isEqualTo(asked.stdout());
    }

    @Test
    void subcommandHelpShowsItsOwnFlagsAndTheSharedOptions() {
        assertThat(agent("run", "--help").stdout()).contains("--once", "--timeout=SECONDS", "--data-dir=DIR");
        assertThat(agent("doctor", "--help").stdout()).contains("--json", "--socket-mem=MB", "--before-start",
                "--in-memory", "--no-hugepages", "--cores=N", "--cpus=LIST", "--numa-node=N");
        assertThat(agent("eal-args", "--help").stdout()).contains("--vdevs-only", "--cores=N", "--cpus=LIST",
                "--socket-mem=MB", "--numa-node=N", "$USERSPACE_CNI_NUMA_NODE", "--in-memory", "--data-dir=DIR");
        assertThat(agent("status", "--help").stdout()).contains("--sockets");
    }

    @Test
    void anUnknownOptionIsBadUsage() {
        InProcessAgent.Outcome wrong = agent("--no-such-option", "status");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.stdout()).isEmpty();
        assertThat(wrong.stderr()).startsWith("usrsp-agent: Unknown option: '--no-such-option'")
                .contains("Usage: usrsp-agent ").contains("Try 'usrsp-agent --help' for more information.");
    }

    @Test
    void aFlagOfAnotherSubcommandIsBadUsageOfThisOne() {
        InProcessAgent.Outcome wrong = agent("status", "--once");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.stderr()).startsWith("usrsp-agent status: Unknown option: '--once'")
                .contains("Usage: usrsp-agent status ").contains("Try 'usrsp-agent status --help'");
    }

    @Test
    void aMissingValueIsBadUsage() {
        InProcessAgent.Outcome missing = agent("status", "--data-dir");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stdout()).isEmpty();
        assertThat(missing.stderr()).contains("Missing required parameter for option '--data-dir' (DIR)")
                .contains("Usage: usrsp-agent status ");
    }

    @Test
    void aMalformedValueIsBadUsage() {
        InProcessAgent.Outcome timeout = agent("run", "--once", "--timeout", "soon");
        assertThat(timeout.exitCode()).isEqualTo(2);
        assertThat(timeout.stderr()).contains("'soon' is not a long");
        InProcessAgent.Outcome level = agent("--log-level", "loud", "status");
        assertThat(level.exitCode()).isEqualTo(2);
        assertThat(level.stderr()).contains("--log-level").contains("loud");
        InProcessAgent.Outcome noEngine = agent("--engine-option", "ovsdbSocket=/var/run/openvswitch/db.sock", "status");
        assertThat(noEngine.exitCode()).isEqualTo(2);
        assertThat(noEngine.stderr()).contains("--engine-option takes ENGINE.NAME=VALUE, not 'ovsdbSocket'")
                .contains("Usage: usrsp-agent status ");
        InProcessAgent.Outcome undeclared = agent("--engine-option", "ovs-dpdk.ovsdb=/var/run/openvswitch/db.sock", "status");
        assertThat(undeclared.exitCode()).isEqualTo(2);
        assertThat(undeclared.stderr()).contains("--engine-option ovs-dpdk.ovsdb: engine 'ovs-dpdk' declares no"
                + " option 'ovsdb' the agent can set (--engine-option ovs-dpdk.ovsdbSocket=...,");
        InProcessAgent.Outcome hostOnly = agent("--engine-option", "vpp.xconnect=net2", "status");
        assertThat(hostOnly.exitCode()).isEqualTo(2);
        assertThat(hostOnly.stderr()).contains("--engine-option vpp.xconnect: set it as container.options.xconnect"
                + " in the network configuration");
        InProcessAgent.Outcome unknownEngine = agent("--engine-option", "linux.socket=/run/x.sock", "status");
        assertThat(unknownEngine.exitCode()).isEqualTo(2);
        assertThat(unknownEngine.stderr()).contains("--engine-option: unknown engine 'linux' (installed: ");
    }

    @Test
    void sharedOptionsMayFollowTheSubcommand() {
        AgentOptions before = AgentOptions.parse(List.of("--data-dir", "/data", "--log-level", "debug", "status"));
        AgentOptions after = AgentOptions.parse(List.of("status", "--data-dir", "/data", "--log-level", "debug"));
        assertThat(after).isEqualTo(before);
        assertThat(after.dataDir()).hasValue(java.nio.file.Path.of("/data"));
    }

    @Test
    void anUnknownSubcommandIsNamedWithTheUsage() {
        InProcessAgent.Outcome wrong = agent("stat");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.stderr()).contains("Unmatched argument at index 0: 'stat'").contains("status")
                .contains("Usage: usrsp-agent ");
    }
}
