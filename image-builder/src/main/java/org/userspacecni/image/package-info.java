/**
 * The image builder ({@code usrsp-image}): writes the build context of the data-plane image that runs the
 * container agent beside the container's own OVS-DPDK (variant {@code ovs}, the seed image), DPDK
 * applications ({@code dpdk}) or the container's own VPP ({@code vpp}, Debian 12 only: FD.io publishes no
 * VPP packages for CentOS Stream; from FD.io's repository, or from a VPP build tarball or VPP's packages on this
 * machine, {@link org.userspacecni.image.VppSource}), on CentOS Stream 9 or 10 or Debian 12: its Dockerfile, its entrypoint, the
 * script that runs it attached to the host switch, and the agent. The Dockerfile logic is one template; the
 * base only changes the package lines ({@link org.userspacecni.image.PackageManager}).
 */
package org.userspacecni.image;
