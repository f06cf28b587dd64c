package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userspacecni.core.fuzz.CniErrorShape.assertWellFormed;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.userspacecni.core.fuzz.HostileInput;
import org.userspacecni.core.fuzz.Property;
import org.userspacecni.host.CniCommand.Env;
import org.userspacecni.spi.CniException;

/**
 * Hostile CNI environments for every command: each variable absent, valid, or any hostile string. The answer
 * is code 4 or an environment whose container id, interface name and netns path cannot name a place outside
 * where they belong: an id of safe characters, an interface name that is one short path element, an
 * absolute netns path without '.', '..' or empty elements. Inputs per run: 6 commands × 500 environments
 * (see {@link Property} to reproduce).
 */
class HostileEnvironmentTest {

    static final List<String> VARIABLES = List.of(Env.CONTAINER_ID, Env.NETNS, Env.IFNAME, Env.ARGS, Env.PATH);

    /** A valid environment with some variables removed or replaced by hostile strings. */
    static Map<String, String> environment(SplittableRandom random) {
        Map<String, String> variables = new HashMap<>(Map.of(Env.CONTAINER_ID, "c0ffee0123456789",
                Env.NETNS, "/proc/self/ns/net", Env.IFNAME, "net1", Env.ARGS, "IgnoreUnknown=1",
                Env.PATH, "/opt/cni/bin"));
        for (String name : VARIABLES) {
            int choice = random.nextInt(4);
            if (choice == 0) {
                variables.remove(name);
            } else if (choice == 1) {
                variables.put(name, HostileInput.string(random));
            }
        }
        return variables;
    }

    @Test
    void everyCommandGetsCodeFourOrAnEnvironmentThatNamesNothingOutside() {
        for (CniCommand command : CniCommand.values()) {
            Property.forAll(500, HostileEnvironmentTest::environment, variables -> {
                try {
                    CniEnvironment environment = CniEnvironment.of(command, variables);
                    environment.containerId().ifPresent(HostileEnvironmentTest::isOneSafeElement);
                    environment.ifName().ifPresent(name -> {
                        isOneSafeElement(name);
                        assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(15);
                        assertThat(name.chars().noneMatch(Character::isISOControl)).as(name).isTrue();
                    });
                    environment.netns().ifPresent(netns -> {
                        assertThat(netns).startsWith("/").doesNotContain("\0", "\n");
                        assertThat(Arrays.asList(netns.substring(1).split("/", -1))).doesNotContain("", ".", "..");
                    });
                } catch (CniException e) {
                    assertWellFormed(e);
                    assertThat(e.code()).isEqualTo(4);
                }
            });
        }
    }

    static void isOneSafeElement(String name) {
        assertThat(name).isNotEmpty().isNotIn(".", "..").doesNotContain("/", "\0", "\n");
        assertThat(name.length()).isLessThanOrEqualTo(255);
    }

    /** A case the generators found: a NUL in CNI_PATH was an unchecked InvalidPathException, not code 4. */
    @Test
    void aNulInCniPathIsCodeFour() {
        Map<String, String> variables = new HashMap<>(Map.of(Env.PATH, "/opt/cni/bin:/a\0b"));
        try {
            CniEnvironment.of(CniCommand.STATUS, variables);
            throw new AssertionError("accepted a CNI_PATH with a NUL");
        } catch (CniException e) {
            assertThat(e.code()).isEqualTo(4);
        }
    }
}
