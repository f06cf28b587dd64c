/**
 * The image builder: writes the build context of the container image that runs the container agent
 * beside the container's own OVS-DPDK (or a DPDK application, or VPP): its Dockerfile, its entrypoint
 * and the script that runs it with the right volumes and devices. Not yet implemented.
 */
package org.userspacecni.image;
