package org.userspacecni.testkit;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The architecture rules over the spi, core and testkit modules. They are checked here rather than in
 * spi's and core's own tests because those modules are below testkit in the build.
 */
@AnalyzeClasses(packages = {"org.userspacecni.spi", "org.userspacecni.core", "org.userspacecni.testkit"},
        importOptions = ImportOption.DoNotIncludeTests.class)
class SpiCoreAndTestkitArchitectureTest {

    @ArchTest
    static final ArchRule spiIsFrameworkFree = ArchitectureRules.SPI_DEPENDS_ONLY_ON_JDK_AND_JACKSON_ANNOTATIONS;

    @ArchTest
    static final ArchRule nobodyWritesToStdout = ArchitectureRules.onlyWritesToStdout("none");

    @ArchTest
    static final ArchRule noExit = ArchitectureRules.NO_EXIT_OUTSIDE_MAIN;

    @ArchTest
    static final ArchRule oneProviderLoader = ArchitectureRules.PROVIDERS_LOADED_IN_ONE_PLACE;

    @ArchTest
    static final ArchRule noCycles = ArchitectureRules.NO_PACKAGE_CYCLES;
}
