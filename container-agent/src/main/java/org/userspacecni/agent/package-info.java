/**
 * The agent that runs inside a data-plane container ({@code usrsp-agent}, the original's {@code usrsp-app}):
 * it picks up the configuration the host plugin stored for the container and has the container-side
 * backend of its engine apply it to the container's own datapath. So far it is assembled and lists the
 * engines it can drive; picking up and applying configurations comes with the config store.
 */
package org.userspacecni.agent;
