/**
 * Where the host plugin leaves each attachment's container-side configuration and the container agent finds it:
 * the file store the plugin writes and both programs read ({@link org.userspacecni.core.store.FileConfigStore}),
 * and the pod annotations a platform writes ({@link org.userspacecni.core.store.ConfigAnnotations}, their one
 * definition) and the agent reads ({@link org.userspacecni.core.store.DownwardApiConfigStore}). The agent reads
 * either through {@link org.userspacecni.core.store.ConfigReader}. None of it is part of the SPI: engines never
 * see where configurations are kept.
 */
package org.userspacecni.core.store;
