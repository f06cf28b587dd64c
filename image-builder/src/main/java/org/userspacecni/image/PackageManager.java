package org.userspacecni.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a base installs the image's packages, with their versions as build arguments (defaults written in),
 * in one {@code RUN} that ends by cleaning the package cache.
 */
enum PackageManager {
    /** CentOS Stream: OVS from the CentOS NFV SIG ({@code centos-release-nfv-openvswitch}). */
    DNF,
    /**
     * Debian 12: OVS with DPDK from {@code openvswitch-switch-dpdk}, the DPDK drivers it only recommends, and
     * VPP from FD.io's release repository or, with {@code --vpp-from}, from the context ({@link VppSource}).
     */
    APT;

    /** FD.io's repository of VPP releases, the only published source of VPP packages for these bases. */
    private static final String FDIO_RELEASE = "https://packagecloud.io/fdio/release";

    private static final String FDIO_KEYRING = "/usr/share/keyrings/fdio-release.gpg";

    /** Ahead of /usr/sbin in the PATH dpkg's maintainer scripts run with. */
    private static final String SYSCTL_SHIM = "/usr/local/sbin/sysctl";

    /** Why this base cannot install {@code variant} from FD.io's repository; empty when it can. */
    Optional<String> unavailable(Variant variant) {
        return unavailable(variant, new VppSource.Repository());
    }

    /** Why this base cannot install {@code variant} with its VPP from {@code vpp}; empty when it can. */
    Optional<String> unavailable(Variant variant, VppSource vpp) {
        if (this == DNF && variant == Variant.VPP) {
            return Optional.of(vpp instanceof VppSource.Repository
                    ? "FD.io publishes VPP packages for Debian and Ubuntu only: " + FDIO_RELEASE
                            + " has no el/9 or el/10 repository (its newest RPMs are VPP 19.08 for el/7); use --base"
                            + " debian12"
                    : "--vpp-from gives a VPP built or packaged for Debian, and the image's VPP is tested on Debian"
                            + " only; use --base debian12");
        }
        return Optional.empty();
    }

    /** The {@code ARG} lines with the current default versions. */
    List<String> versionArguments(Variant variant) {
        return versionArguments(variant, new VppSource.Repository());
    }

    /** The {@code ARG} lines with the current default versions, for a VPP from {@code vpp}. */
    List<String> versionArguments(Variant variant, VppSource vpp) {
        List<String> args = new ArrayList<>();
        if (this == DNF) {
            if (variant == Variant.OVS) {
                args.add("ARG OVS_PACKAGE=openvswitch3.3");
            }
            args.add("ARG DPDK_VERSION=23.11");
            args.add("ARG JAVA_PACKAGE=java-17-openjdk-headless");
        } else {
            if (variant == Variant.OVS) {
                args.add("ARG OVS_VERSION=3.1.0-2+deb12u1");
            } else if (variant == Variant.VPP && vpp instanceof VppSource.Packages) {
                args.add("# VPP from the .deb packages in vpp/, installed with their dependencies from Debian.");
                args.add("# vpp's postinst runs sysctl --system for its 80-vpp.conf (vm.nr_hugepages=1024): that");
                args.add("# fails on a build's read-only /proc/sys, or, where it is writable, changes the build");
                args.add("# host's (vm.* is not namespaced). sysctl is /bin/true while the packages install; the");
                args.add("# host reserves the hugepages.");
            } else if (variant == Variant.VPP && vpp instanceof VppSource.Tarball) {
                args.add("# VPP from the build tarball in vpp/ (it needs only libc), unpacked to "
                        + VppSource.TARBALL_HOME + "; its");
                args.add("# startup.conf takes ordinary pages (USRSP_VPP_HUGEPAGES=no), as the tarball's own does.");
            } else if (variant == Variant.VPP) {
                args.add("# FD.io's release builds are versioned <release>-release (vpp_24.10-release_amd64.deb): apt");
                args.add("# pins that exact version, for vpp and for the plugins and library that must match it.");
                args.add("# vpp's postinst runs sysctl --system for its 80-vpp.conf (vm.nr_hugepages=1024): that");
                args.add("# fails on a build's read-only /proc/sys, or, where it is writable, changes the build");
                args.add("# host's (vm.* is not namespaced). sysctl is /bin/true while the packages install; the");
                args.add("# host reserves the hugepages.");
                args.add("ARG VPP_VERSION=24.10");
            }
            args.add("ARG DPDK_VERSION=22.11.11-0+deb12u1");
            args.add("ARG JAVA_PACKAGE=openjdk-17-jre-headless");
        }
        return args;
    }

    /** The continuation lines of the one install {@code RUN}. */
    List<String> install(Variant variant) {
        return install(variant, new VppSource.Repository());
    }

    /** The continuation lines of the one install {@code RUN}, for a VPP from {@code vpp}. */
    List<String> install(Variant variant, VppSource vpp) {
        unavailable(variant, vpp).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        List<String> lines = new ArrayList<>();
        if (this == DNF) {
            if (variant == Variant.OVS) {
                lines.add("dnf install -y centos-release-nfv-openvswitch");
                lines.add("dnf install -y \"${OVS_PACKAGE}\" \"dpdk-${DPDK_VERSION}*\" \"dpdk-tools-${DPDK_VERSION}*\""
                        + " \"${JAVA_PACKAGE}\" iproute iputils procps-ng");
            } else {
                lines.add("dnf install -y \"dpdk-${DPDK_VERSION}*\" \"dpdk-tools-${DPDK_VERSION}*\" \"${JAVA_PACKAGE}\""
                        + " iproute iputils procps-ng");
            }
            lines.add("dnf clean all");
            lines.add("rm -rf /var/cache/dnf");
        } else {
            lines.add("apt-get update");
            String vppPackages = "";
            boolean sysctlShim = false;
            if (variant == Variant.VPP && vpp instanceof VppSource.Packages) {
                lines.add("ln -s /bin/true " + SYSCTL_SHIM);
                sysctlShim = true;
                vppPackages = " " + VppSource.IMAGE_DIR + "/*.deb";
            } else if (variant == Variant.VPP && vpp instanceof VppSource.Tarball) {
                lines.add("tar -xzf " + VppSource.IMAGE_DIR + "/" + VppSource.TARBALL + " -C "
                        + VppSource.TARBALL_HOME.substring(0, VppSource.TARBALL_HOME.lastIndexOf('/')));
            } else if (variant == Variant.VPP) {
                // The key is fetched over HTTPS and kept out of apt's global trust: it signs only FD.io's source.
                lines.add("DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates"
                        + " curl gnupg");
                lines.add("curl -fsSL " + FDIO_RELEASE + "/gpgkey | gpg --batch --dearmor -o " + FDIO_KEYRING);
                lines.add("echo \"deb [signed-by=" + FDIO_KEYRING + "] " + FDIO_RELEASE + "/debian/ bookworm main\""
                        + " > /etc/apt/sources.list.d/fdio-release.list");
                lines.add("apt-get update");
                lines.add("ln -s /bin/true " + SYSCTL_SHIM);
                sysctlShim = true;
                vppPackages = " \"vpp=${VPP_VERSION}-release\" \"vpp-plugin-core=${VPP_VERSION}-release\""
                        + " \"libvppinfra=${VPP_VERSION}-release\"";
            }
            String dpdk = "\"dpdk=${DPDK_VERSION}\" \"librte-mempool-ring23=${DPDK_VERSION}\""
                    + " \"librte-net-virtio23=${DPDK_VERSION}\" \"librte-net-memif23=${DPDK_VERSION}\"";
            // Debian ships dpdk-testpmd in dpdk-dev; the ovs variant needs only OVS's own DPDK.
            String ovs = variant == Variant.OVS ? " \"openvswitch-switch-dpdk=${OVS_VERSION}\""
                    : " \"dpdk-dev=${DPDK_VERSION}\"";
            lines.add("DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends" + vppPackages + ovs + " "
                    + dpdk + " \"${JAVA_PACKAGE}\" iproute2 iputils-ping procps");
            if (sysctlShim) {
                lines.add("rm " + SYSCTL_SHIM);
            }
            if (variant == Variant.VPP && !(vpp instanceof VppSource.Repository)) {
                lines.add("rm -rf " + VppSource.IMAGE_DIR);
            }
            lines.add("apt-get clean");
            lines.add("rm -rf /var/lib/apt/lists/*");
        }
        return lines;
    }
}
