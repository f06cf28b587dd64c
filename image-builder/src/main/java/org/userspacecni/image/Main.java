package org.userspacecni.image;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.core.CommandLines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code usrsp-image}: writes the build context of a data-plane image.
 * {@code usrsp-image [--variant ovs|dpdk|vpp] [--base centos-stream9|centos-stream10|debian12]
 * [--vpp-from TARBALL|DIR] --agent local --agent-dir DIR --output DIR}, where {@code --agent-dir} is a built
 * distribution holding {@code bin/usrsp-agent} (the project's {@code dist}) and {@code --vpp-from} a local VPP
 * for the vpp variant instead of FD.io's repository ({@link VppSource}). picocli reads the command line:
 * {@code --help} and {@code --version} on stdout, the only thing the image builder writes there; what it did,
 * and bad usage (exit 2, with the usage line), on stderr.
 */
@Command(name = "usrsp-image", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Writes the build context of the userspace CNI data-plane image into --output: Dockerfile,"
                + " entrypoint.sh, run.sh and the agent; build it with: buildah bud -t usrsp-VARIANT DIR"},
        footer = {"", "Exit status: 0 written, 2 bad usage (said on stderr), 1 the context could not be written."})
public final class Main {

    @Option(names = "--variant", paramLabel = "ovs|dpdk|vpp", converter = VariantConverter.class,
            description = "ovs (default): the container's own OVS-DPDK; dpdk: a DPDK application on the"
                    + " attachments; vpp: the container's own VPP (debian12 only)")
    private Variant variant = Variant.OVS;

    @Option(names = "--base", paramLabel = "centos-stream9|centos-stream10|debian12", converter = BaseConverter.class,
            description = "centos-stream9 (default), centos-stream10, debian12")
    private Base base = Base.CENTOS_STREAM9;

    @Option(names = "--vpp-from", paramLabel = "TARBALL|DIR",
            description = {"vpp variant: take VPP from this machine instead of FD.io's release repository, so the"
                    + " build fetches VPP from nowhere. TARBALL: a VPP build tarball (vpp/bin/vpp, vpp/lib with"
                    + " vpp_plugins; it needs only libc), unpacked to /opt/vpp, its VPP run on ordinary pages (no"
                    + " hugepages). DIR: a directory of VPP's Debian packages (vpp_*.deb, vpp-plugin-core,"
                    + " libvppinfra), installed with their dependencies from Debian. Either is copied into the"
                    + " context's vpp/. CentOS Stream bases have no VPP: FD.io publishes none for them, and a local"
                    + " VPP is Debian's."})
    private Path vppFrom;

    @Option(names = "--agent", paramLabel = "local",
            description = "local (default): the agent built here; no release is published yet")
    private String agent = "local";

    @Option(names = "--agent-dir", paramLabel = "DIR",
            description = "a built distribution holding bin/usrsp-agent (scripts/build makes dist/); required")
    private Path agentDir;

    @Option(names = "--output", paramLabel = "DIR", description = "the directory to write; required")
    private Path output;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /** Help and version go to {@code stdout}; everything else, what was written included, to {@code stderr}. */
    static int run(List<String> args, PrintStream stdout, PrintStream stderr) {
        Main main = new Main();
        CommandLine commandLine = CommandLines.of(main, new PrintWriter(stdout, true), new PrintWriter(stderr, true));
        commandLine.setExecutionStrategy(parsed -> {
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) {
                return help;
            }
            try {
                return main.write(stderr);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(commandLine, e.getMessage(), e);
            }
        });
        return commandLine.execute(args.toArray(String[]::new));
    }

    /** Writes the context; a combination of options that cannot be built is an {@link IllegalArgumentException}. */
    private int write(PrintStream stderr) {
        try {
            VppSource vpp = new VppSource.Repository();
            if (vppFrom != null) {
                if (variant != Variant.VPP) {
                    throw new IllegalArgumentException("--vpp-from is for --variant vpp, not " + variant.option());
                }
                vpp = VppSource.of(vppFrom);
            }
            // Then: a variant the base has no packages for is refused whatever the other arguments say.
            Map<String, String> files = BuildContext.render(variant, base, vpp, version());
            if (!agent.equals("local")) {
                throw new IllegalArgumentException("--agent " + agent + ": no release of the agent is published yet;"
                        + " use --agent local with a built distribution");
            }
            Path dist = Optional.ofNullable(agentDir)
                    .orElseThrow(() -> new IllegalArgumentException("--agent-dir is required"));
            if (!Files.isExecutable(dist.resolve("bin/usrsp-agent"))) {
                throw new IllegalArgumentException(dist + " holds no bin/usrsp-agent: run scripts/build first");
            }
            Path target = Optional.ofNullable(output)
                    .orElseThrow(() -> new IllegalArgumentException("--output is required"));
            BuildContext.write(target, files, dist, vpp);
            stderr.println("usrsp-image: wrote the " + variant.option() + " image's build context for "
                    + base.option() + " to " + target + vpp.described());
            return 0;
        } catch (IOException e) {
            stderr.println("usrsp-image: " + e.getMessage());
            return 1;
        }
    }

    static String version() {
        return CommandLines.version(Main.class);
    }

    /** {@code usrsp-image VERSION}. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"usrsp-image " + version()};
        }
    }

    /** {@link Variant#of}, whose refusal names the variants. */
    static final class VariantConverter implements ITypeConverter<Variant> {
        @Override
        public Variant convert(String value) {
            try {
                return Variant.of(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@link Base#of}, whose refusal names the bases. */
    static final class BaseConverter implements ITypeConverter<Base> {
        @Override
        public Base convert(String value) {
            try {
                return Base.of(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
