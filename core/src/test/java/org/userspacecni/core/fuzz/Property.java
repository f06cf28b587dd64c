package org.userspacecni.core.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A property run over generated inputs: {@code tries} inputs, each made by a generator from its own random
 * stream, each given to a check that fails by throwing. The streams come from one seed per run, random unless
 * the system property {@value #SEED} fixes it; a failure names the seed, the try and the input, so
 * {@code -D}{@value #SEED}{@code =<seed>} on the same test generates the same inputs again, the failing one
 * at the same try. There is no shrinking: the input is printed as generated.
 *
 * <p>A few lines on JUnit Jupiter rather than a property-testing engine: the properties run, are counted and
 * fail like every other test of the module.
 */
public final class Property {

    /** The system property that fixes the seed of every property in the run. */
    public static final String SEED = "userspace.fuzz.seed";

    private static final int SHOWN_CHARACTERS = 600;

    private Property() {
    }

    /** Checks {@code check} on {@code tries} inputs from {@code generator}; the number of inputs tried. */
    public static <T> int forAll(int tries, Function<SplittableRandom, T> generator, Consumer<T> check) {
        long seed = Long.getLong(SEED, ThreadLocalRandom.current().nextLong());
        for (int attempt = 0; attempt < tries; attempt++) {
            T input = generator.apply(new SplittableRandom(seed + attempt));
            try {
                check.accept(input);
            } catch (AssertionError | RuntimeException | StackOverflowError | OutOfMemoryError e) {
                throw new AssertionError("property failed at try " + (attempt + 1) + " of " + tries + " (seed " + seed
                        + "; rerun with -D" + SEED + "=" + seed + ") on input: " + show(input), e);
            }
        }
        return tries;
    }

    /** An input as a failure shows it: escaped, and cut short when it is long. */
    public static String show(Object input) {
        String text;
        try {
            text = input instanceof byte[] ? new String((byte[]) input, StandardCharsets.ISO_8859_1)
                    : String.valueOf(input);
        } catch (RuntimeException unprintable) {
            text = input.getClass().getSimpleName() + " that cannot be shown: " + unprintable;
        }
        StringBuilder shown = new StringBuilder();
        text.codePoints().limit(SHOWN_CHARACTERS).forEach(c -> {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.isSurrogate((char) c) && c <= 0xffff) {
                shown.append(String.format("\\u%04x", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        if (text.length() > SHOWN_CHARACTERS) {
            shown.append("... (").append(text.length()).append(" characters)");
        }
        return shown.toString();
    }
}
