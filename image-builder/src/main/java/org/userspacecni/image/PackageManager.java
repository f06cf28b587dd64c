package org.userspacecni.image;

import java.util.ArrayList;
import java.util.List;

/**
 * How a base installs the image's packages, with their versions as build arguments (defaults written in),
 * in one {@code RUN} that ends by cleaning the package cache.
 */
enum PackageManager {
    /** CentOS Stream: OVS from the CentOS NFV SIG ({@code centos-release-nfv-openvswitch}). */
    DNF,
    /** Debian: OVS with DPDK from {@code openvswitch-switch-dpdk}, and the DPDK drivers it only recommends. */
    APT;

    /** The {@code ARG} lines with the current default versions. */
    List<String> versionArguments(Variant variant) {
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
            }
            args.add("ARG DPDK_VERSION=22.11.11-0+deb12u1");
            args.add("ARG JAVA_PACKAGE=openjdk-17-jre-headless");
        }
        return args;
    }

    /** The continuation lines of the one install {@code RUN}. */
    List<String> install(Variant variant) {
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
            String dpdk = "\"dpdk=${DPDK_VERSION}\" \"librte-mempool-ring23=${DPDK_VERSION}\""
                    + " \"librte-net-virtio23=${DPDK_VERSION}\" \"librte-net-memif23=${DPDK_VERSION}\"";
            // Debian ships dpdk-testpmd in dpdk-dev; the ovs variant needs only OVS's own DPDK.
            String ovs = variant == Variant.OVS ? " \"openvswitch-switch-dpdk=${OVS_VERSION}\""
                    : " \"dpdk-dev=${DPDK_VERSION}\"";
            lines.add("DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends" + ovs + " " + dpdk
                    + " \"${JAVA_PACKAGE}\" iproute2 iputils-ping procps");
            lines.add("apt-get clean");
            lines.add("rm -rf /var/lib/apt/lists/*");
        }
        return lines;
    }
}
