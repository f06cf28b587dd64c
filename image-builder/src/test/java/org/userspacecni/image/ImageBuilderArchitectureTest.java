package org.userspacecni.image;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.userspacecni.testkit.ArchitectureRules;

@AnalyzeClasses(packages = "org.userspacecni.image", importOptions = ImportOption.DoNotIncludeTests.class)
class ImageBuilderArchitectureTest {

    @ArchTest
    static final ArchRule noBackendImports = ArchitectureRules.PROGRAMS_IMPORT_NO_BACKEND;

    /** The entry point's --help and --version; the image builder's own output is the context it writes. */
    @ArchTest
    static final ArchRule onlyHelpAndVersionGoToStdout =
            ArchitectureRules.onlyWritesToStdout("org.userspacecni.image.Main");

    @ArchTest
    static final ArchRule noExit = ArchitectureRules.NO_EXIT_OUTSIDE_MAIN;

    @ArchTest
    static final ArchRule noCycles = ArchitectureRules.NO_PACKAGE_CYCLES;
}
