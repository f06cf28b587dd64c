package org.userspacecni.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ServiceLoader;

/**
 * The architecture of the project as ArchUnit rules, kept in one place and applied by every module's
 * {@code ArchitectureTest}: the SPI stays free of frameworks, the programs never import a backend, stdout
 * belongs to one writer per program, only {@code main} ends the process, and packages have no cycles.
 */
public final class ArchitectureRules {

    /** The packages of the engines; programs reach them only through ServiceLoader. */
    public static final String BACKEND_PACKAGES = "org.userspacecni.backend..";
    /** The packages of the platform stores (Kubernetes), found through ServiceLoader too. */
    public static final String STORE_PACKAGES = "org.userspacecni.store..";

    public static final ArchRule SPI_DEPENDS_ONLY_ON_JDK_AND_JACKSON_ANNOTATIONS = classes()
            .that().resideInAPackage("org.userspacecni.spi..")
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage("org.userspacecni.spi..", "java..", "com.fasterxml.jackson.annotation..")
            .because("backends compile against the SPI and must not inherit our frameworks");

    public static final ArchRule PROGRAMS_IMPORT_NO_BACKEND = noClasses()
            .that().resideInAnyPackage("org.userspacecni.host..", "org.userspacecni.agent..",
                    "org.userspacecni.image..")
            .should().dependOnClassesThat().resideInAnyPackage(BACKEND_PACKAGES, STORE_PACKAGES)
            .because("a backend or a platform store is a jar on the class path, found through ServiceLoader");

    /** A library part (a backend, a store) runs inside a program whose stdout is the CNI protocol. */
    public static final ArchRule NO_STDOUT = noClasses()
            .should().accessField(System.class, "out")
            .because("stdout belongs to the program, and in the plugin it carries only the CNI result");

    public static final ArchRule NO_EXIT_OUTSIDE_MAIN = noClasses()
            .should().callMethodWhere(exitOutsideMain())
            .because("only the entry point decides the exit code");

    /** A backend is built against the published SPI: the programs, their core and the testkit may change. */
    public static final ArchRule BACKEND_USES_ONLY_THE_SPI = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("org.userspacecni.core..", "org.userspacecni.host..",
                    "org.userspacecni.agent..", "org.userspacecni.image..", "org.userspacecni.testkit..")
            .because("a backend runs in both programs and reaches them only through org.userspacecni.spi");

    /** The programs load providers of every kind in one place, from the class loader they are given. */
    public static final ArchRule PROVIDERS_LOADED_IN_ONE_PLACE = noClasses()
            .that().resideInAnyPackage("org.userspacecni.core..", "org.userspacecni.host..",
                    "org.userspacecni.agent..")
            .and().doNotHaveFullyQualifiedName("org.userspacecni.core.ProviderLoader")
            .should().dependOnClassesThat().areAssignableTo(ServiceLoader.class)
            .orShould().callMethod(Thread.class, "setContextClassLoader", ClassLoader.class)
            .because("org.userspacecni.core.ProviderLoader loads and checks every kind of provider alike, from the"
                    + " class loader passed to it");

    public static final ArchRule NO_PACKAGE_CYCLES = slices()
            .matching("org.userspacecni.(**)")
            .should().beFreeOfCycles();

    /**
     * The same for a library part under any root package: a third party's backend is not in
     * {@code org.userspacecni}, where {@link #NO_PACKAGE_CYCLES} finds no slice and fails as checking nothing.
     */
    public static final ArchRule NO_CYCLES_BETWEEN_OWN_PACKAGES = slices()
            .matching("(**)")
            .should().beFreeOfCycles();

    private ArchitectureRules() {
    }

    /**
     * The rules every library part (a backend, a platform store) keeps, for its architecture test to take
     * whole: {@code @ArchTest static final ArchTests library = ArchTests.in(ArchitectureRules.Library.class);}
     */
    public static final class Library {

        @ArchTest
        static final ArchRule noStdout = NO_STDOUT;

        @ArchTest
        static final ArchRule noExit = NO_EXIT_OUTSIDE_MAIN;

        @ArchTest
        static final ArchRule noCycles = NO_CYCLES_BETWEEN_OWN_PACKAGES;

        private Library() {
        }
    }

    /**
     * The rules a datapath backend keeps, its own or a third party's, for its architecture test to take whole:
     * {@code @AnalyzeClasses(packages = "com.example.backend", importOptions = ImportOption.DoNotIncludeTests.class)}
     * on the test class, and {@code @ArchTest static final ArchTests backend = ArchTests.in(ArchitectureRules.Backend.class);}
     * in it. They are the library rules and {@link #BACKEND_USES_ONLY_THE_SPI}.
     */
    public static final class Backend {

        @ArchTest
        static final ArchTests library = ArchTests.in(Library.class);

        @ArchTest
        static final ArchRule onlySpi = BACKEND_USES_ONLY_THE_SPI;

        private Backend() {
        }
    }

    /** Nothing but {@code writer} touches {@code System.out}: a program's stdout has one owner. */
    public static ArchRule onlyWritesToStdout(String writer) {
        return noClasses()
                .that().doNotHaveFullyQualifiedName(writer)
                .should().accessField(System.class, "out")
                .because("stdout belongs to " + writer);
    }

    private static DescribedPredicate<JavaMethodCall> exitOutsideMain() {
        return DescribedPredicate.describe("System.exit, Runtime.exit or Runtime.halt outside a main method",
                call -> {
                    String owner = call.getTarget().getOwner().getFullName();
                    String name = call.getTarget().getName();
                    boolean exits = owner.equals(System.class.getName()) && name.equals("exit")
                            || owner.equals(Runtime.class.getName()) && (name.equals("exit") || name.equals("halt"));
                    return exits && !call.getOrigin().getName().equals("main");
                });
    }
}
