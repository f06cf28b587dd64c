package org.userspacecni.host;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.userspacecni.testkit.ArchitectureRules;

@AnalyzeClasses(packages = "org.userspacecni.host", importOptions = ImportOption.DoNotIncludeTests.class)
class HostPluginArchitectureTest {

    @ArchTest
    static final ArchRule noBackendImports = ArchitectureRules.PROGRAMS_IMPORT_NO_BACKEND;

    @ArchTest
    static final ArchRule onlyTheResultWriterTouchesStdout =
            ArchitectureRules.onlyWritesToStdout("org.userspacecni.host.CniOutput");

    @ArchTest
    static final ArchRule noExit = ArchitectureRules.NO_EXIT_OUTSIDE_MAIN;

    @ArchTest
    static final ArchRule oneProviderLoader = ArchitectureRules.PROVIDERS_LOADED_IN_ONE_PLACE;

    @ArchTest
    static final ArchRule noCycles = ArchitectureRules.NO_PACKAGE_CYCLES;

    @ArchTest
    static final ArchRule onlyTheMetricsUseThePrometheusClient = noClasses().that()
            .haveNameNotMatching("org\\.userspacecni\\.host\\.(Daemon|Port)Metrics").should().dependOnClassesThat()
            .resideInAPackage("io.prometheus..")
            .because("the Prometheus client's jars are on the class path of 'userspace daemon' and 'userspace"
                    + " metrics' alone (userspace.d/daemon)");
}
