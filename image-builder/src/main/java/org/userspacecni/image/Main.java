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
 * {@code usrsp-image [--variant ovs|dpdk|vpp] [--base centos-stream9|centos-stream10|debian12]
 * [--vpp-from TARBALL|DIR] --agent local --agent-dir DIR --output DIR}, where {@code --agent-dir} is a built
 * distribution holding {@code bin/usrsp-agent} (the project's {@code dist}) and {@code --vpp-from} a local VPP
 * for the vpp variant instead of FD.io's repository ({@link VppSource}). {@code --help} says all that; bad usage
 * is exit 2.
 */
public final class Main {

    private Main() {
    }

    static final String HELP = """
            usage: usrsp-image [--variant ovs|dpdk|vpp] [--base centos-stream9|centos-stream10|debian12]
                               [--vpp-from TARBALL|DIR] --agent local --agent-dir DIR --output DIR

            Writes the build context of the userspace CNI data-plane image into --output: Dockerfile,
            entrypoint.sh, run.sh and the agent; build it with: buildah bud -t usrsp-VARIANT DIR

              --variant    ovs (default): the container's own OVS-DPDK; dpdk: a DPDK application on the
                           attachments; vpp: the container's own VPP (debian12 only)
              --base       centos-stream9 (default), centos-stream10, debian12
              --vpp-from   vpp variant: take VPP from this machine instead of FD.io's release repository,
                           so the build fetches VPP from nowhere. TARBALL: a VPP build tarball
                           (vpp/bin/vpp, vpp/lib with vpp_plugins; it needs only libc), unpacked to /opt/vpp,
                           its VPP run on ordinary pages (no hugepages). DIR: a directory of VPP's Debian
                           packages (vpp_*.deb, vpp-plugin-core, libvppinfra), installed with their
                           dependencies from Debian. Either is copied into the context's vpp/.
                           CentOS Stream bases have no VPP: FD.io publishes none for them, and a local VPP
                           is Debian's.
              --agent      local: the agent built here; no release is published yet
              --agent-dir  a built distribution holding bin/usrsp-agent (scripts/build makes dist/)
              --output     the directory to write
              --help       this text

            Exit status: 0 written, 2 bad usage (said on stderr), 1 the context could not be written.
            """;

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.err));
    }

    /** Everything goes to {@code stderr}, {@code --help} included: nothing in the image builder writes to stdout. */
    static int run(List<String> args, PrintStream stderr) {
        if (args.contains("--help") || args.contains("-h")) {
            stderr.print(HELP);
            return 0;
        }
        Variant variant = Variant.OVS;
        Base base = Base.CENTOS_STREAM9;
        Optional<Path> agentDir = Optional.empty();
        Optional<Path> output = Optional.empty();
        Optional<Path> vppFrom = Optional.empty();
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
                    case "--vpp-from" -> vppFrom = Optional.of(Path.of(value));
                    default -> throw new IllegalArgumentException("unknown argument '" + flag + "' (see --help)");
                }
            }
            VppSource vpp = new VppSource.Repository();
            if (vppFrom.isPresent()) {
                if (variant != Variant.VPP) {
                    throw new IllegalArgumentException("--vpp-from is for --variant vpp, not " + variant.option());
                }
                vpp = VppSource.of(vppFrom.get());
            }
            // Then: a variant the base has no packages for is refused whatever the other arguments say.
            Map<String, String> files = BuildContext.render(variant, base, vpp, version());
            if (!agent.equals("local")) {
                throw new IllegalArgumentException("--agent " + agent + ": no release of the agent is published yet;"
                        + " use --agent local with a built distribution");
            }
            Path dist = agentDir.orElseThrow(() -> new IllegalArgumentException("--agent-dir is required"));
            if (!Files.isExecutable(dist.resolve("bin/usrsp-agent"))) {
                throw new IllegalArgumentException(dist + " holds no bin/usrsp-agent: run scripts/build first");
            }
            Path target = output.orElseThrow(() -> new IllegalArgumentException("--output is required"));
            BuildContext.write(target, files, dist, vpp);
            stderr.println("usrsp-image: wrote the " + variant.option() + " image's build context for "
                    + base.option() + " to " + target + vpp.described());
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
