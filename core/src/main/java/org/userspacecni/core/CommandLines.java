package org.userspacecni.core;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command lines of the three programs ({@code usrsp-agent}, {@code usrsp-image}, {@code userspace}'s
 * subcommands), parsed by picocli and set up alike: help and version where the program says (stdout, or stderr
 * in the plugin, whose stdout is the CNI protocol's), and bad usage - an unknown option or subcommand, a missing
 * or malformed value - as one line naming the mistake, the command's usage line and where to read more, all on
 * stderr, with exit code 2 ({@link CommandLine.ExitCode#USAGE}).
 */
public final class CommandLines {

    /** The exit code of bad usage. */
    public static final int USAGE = CommandLine.ExitCode.USAGE;

    /** Wide enough for a path in an option's default not to be broken at its colon or dot. */
    private static final int WIDTH = 100;

    private CommandLines() {
    }

    /** {@code command} (a picocli {@code @Command}) writing help and version to {@code out}, the rest to {@code err}. */
    public static CommandLine of(Object command, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler(CommandLines::badUsage);
        commandLine.setUsageHelpWidth(WIDTH);
        return commandLine;
    }

    private static int badUsage(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        err.println(name + ": " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        CommandLine.Help help = command.getHelp();
        err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
        err.println("Try '" + name + " --help' for more information.");
        err.flush();
        return USAGE;
    }

    /** The version of the program whose entry point is {@code main}: its jar's manifest's, "dev" in a build tree. */
    public static String version(Class<?> main) {
        String version = main.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
