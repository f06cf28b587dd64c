package org.userspacecni.store.kubernetes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import org.userspacecni.testkit.ArchitectureRules;

@AnalyzeClasses(packages = "org.userspacecni.store.kubernetes", importOptions = ImportOption.DoNotIncludeTests.class)
class KubernetesStoreArchitectureTest {

    @ArchTest
    static final ArchTests library = ArchTests.in(ArchitectureRules.Library.class);
}
