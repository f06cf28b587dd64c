package org.userspacecni.image;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code usrsp-image}: writes the build context of a data-plane image.
 * {@code usrsp-image [--variant ovs|dpdk|vpp] [--base centos-stream9|centos-stream10|debian12] --agent local
 * --agent-dir DIR --output DIR}, where {@code --agent-dir} is a built distribution holding
 * {@code bin/usrsp-agent} (the project's {@code dist}).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.err));
    }

    static int run(List<String> args, PrintStream stderr) {
        Variant variant = Variant.OVS;
        Base base = Base.CENTOS_STREAM9;
        Optional<Path> agentDir = Optional.empty();
        Optional<Path> output = Optional.empty();
        String agent = "local";
        try {
            List<String> rest = new ArrayList<>(args);
            while (!rest.isEmpty()) {
                String flag = rest.remove(0);
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = rest.remove(0);
                switch (flag) {
                    case "--variant" -> variant = Variant.of(value);
                    case "--base" -> base = Base.of(value);
                    case "--agent" -> agent = value;
                    case "--agent-dir" -> agentDir = Optional.of(Path.of(value));
                    case "--output" -> output = Optional.of(Path.of(value));
                    default -> throw new IllegalArgumentException("unknown argument '" + flag + "'");
                }
            }
            // First: a variant the base has no packages for is refused whatever the other arguments say.
            Map<String, String> files = BuildContext.render(variant, base, version());
            if (!agent.equals("local")) {
                throw new IllegalArgumentException("--agent " + agent + ": no release of the agent is published yet;"
                        + " use --agent local with a built distribution");
            }
            Path dist = agentDir.orElseThrow(() -> new IllegalArgumentException("--agent-dir is required"));
            if (!Files.isExecutable(dist.resolve("bin/usrsp-agent"))) {
                throw new IllegalArgumentException(dist + " holds no bin/usrsp-agent: run scripts/build first");
            }
            Path target = output.orElseThrow(() -> new IllegalArgumentException("--output is required"));
            BuildContext.write(target, files, dist);
            stderr.println("usrsp-image: wrote the " + variant.option() + " image's build context for "
                    + base.option() + " to " + target);
            return 0;
        } catch (IllegalArgumentException e) {
            stderr.println("usrsp-image: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            stderr.println("usrsp-image: " + e.getMessage());
            return 1;
        }
    }

    static String version() {
        return Optional.ofNullable(Main.class.getPackage().getImplementationVersion()).orElse("dev");
    }
}
