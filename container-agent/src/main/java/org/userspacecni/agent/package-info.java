/**
 * The agent that runs inside a data-plane container ({@code usrsp-agent}, the original's {@code usrsp-app}):
 * it picks up the configuration the host plugin stored for the container and has the container-side
 * backend of its engine apply it to the container's own datapath, following the store as it changes; it also
 * diagnoses the container's setup and prints the DPDK arguments for applications that attach themselves.
 */
package org.userspacecni.agent;
