package org.userspacecni.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What the configuration reference ({@code docs/configuration-reference.md}) says about one setting of the
 * network configuration, a component of the configuration records here (an engine's options are declared as
 * {@link EngineOption}s). The reference is generated from these annotations, so what the types do not say about a
 * setting lives here, next to it, and nowhere else.
 *
 * <p>In every text, {@code {NAME}} stands for the value of the static field {@code NAME} of the annotated
 * class, so that a default or a limit the code holds as a constant is shown rather than repeated.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface ConfigDoc {

    /** The {@link #engines} of a setting that is read whatever the engine. */
    String ALL_ENGINES = "all";

    /** What the setting means, in a sentence or two of Markdown. */
    String value();

    /** The value when the setting is absent, in words ({@code required} if it must be given); empty for none. */
    String defaultValue() default "";

    /** The values allowed beyond what the type says (an enumeration's values are listed from its constants). */
    String allowed() default "";

    /** The engines that read the setting; none for one that is accepted and ignored. */
    String[] engines() default ALL_ENGINES;
}
