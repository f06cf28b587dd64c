/**
 * Config store implementations: where the host plugin leaves each attachment's container-side
 * configuration and the container agent finds it.
 */
package org.userspacecni.core.store;
